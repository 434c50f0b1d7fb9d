/**
 * Sync primitives and user-written combinators: the FIFO-fair mutex, the weighted semaphore, a
 * user's select, and a user's FuturesUnordered-like set with a poll budget.
 *
 * Budgets: runs to first failure of the default exploration (portfolio, shrinking off) were
 * measured over seeds 0–99; each budget is about 3× the worst seen or more. Shrink bounds: the
 * most deviations seen after shrinking (seeds 0–29), plus a small margin.
 */
import type { BuggyCase, CorrectCase } from "./catalog-types.js";
import { BYPASS_LIMIT, mutexBarging, mutexCorrect } from "../fixtures/mutex.js";
import { semaphoreCorrect, semaphoreSilentDrop } from "../fixtures/semaphore.js";
import { selectBiased, selectFair } from "../fixtures/select.js";
import { futuresUnorderedCorrect, futuresUnorderedNeverYields, POLL_BUDGET } from "../fixtures/futures-unordered.js";

/** The mutex cases run with a bypass bound of 4 overtakes (the default, 100, would need a far longer workload). */
const bypass = { oracles: { bypassLimit: BYPASS_LIMIT } } as const;
/** The set cases run with a poll budget of 100 inner polls (the default, 10 000, would need a far longer stream). */
const pollBudget = { oracles: { pollBudget: POLL_BUDGET } } as const;

export const buggy: BuggyCase[] = [
  {
    fixture: "mutex",
    twin: "mutex-barging",
    scenario: mutexBarging,
    bugClass: "a lock that lets newcomers barge past a waiter forever",
    expect: { kind: "starvation", sub: "bypass" },
    // No fault needed: the barging is pure scheduling.
    options: { ...bypass },
    // Observed: median 5, worst 20 runs (seeds 0–99); 4–14 deviations after shrinking (seeds 0–29).
    budgetRuns: 100,
    maxShrunkDeviations: 18,
  },
  {
    fixture: "semaphore",
    twin: "semaphore-drop-notifies-nobody",
    scenario: semaphoreSilentDrop,
    bugClass: "a state transition (drop of a permit) that notifies nobody",
    expect: { kind: "lost-wakeup", sub: "waker-held-never-woken" },
    // The silent drop happens only when a holder is cancelled: the "cancel" fault is what shows it.
    options: { faults: ["cancel"] },
    // Observed: median 20, worst 104 runs (seeds 0–99); 2–8 deviations after shrinking (seeds 0–29).
    budgetRuns: 350,
    maxShrunkDeviations: 10,
  },
  {
    fixture: "select",
    twin: "select-always-branch-0",
    scenario: selectBiased,
    bugClass: "a select that always starts at branch 0",
    expect: { kind: "liveness" },
    // Deterministic: the default schedule already fails (run 1 on every seed; nothing to shrink).
    budgetRuns: 10,
    maxShrunkDeviations: 2,
  },
  {
    fixture: "futures-unordered",
    twin: "future-set-never-yields",
    scenario: futuresUnorderedNeverYields,
    bugClass: "a combinator that never yields",
    expect: { kind: "poll-budget" },
    options: { ...pollBudget },
    // Deterministic: the default schedule already fails (run 1 on every seed; nothing to shrink).
    budgetRuns: 10,
    maxShrunkDeviations: 2,
  },
];

export const correct: CorrectCase[] = [
  { fixture: "mutex", name: "mutex-fifo-fair", scenario: mutexCorrect, options: { faults: "all", ...bypass } },
  { fixture: "semaphore", name: "semaphore-weighted-fifo", scenario: semaphoreCorrect, options: { faults: "all" } },
  { fixture: "select", name: "select-rotating-start", scenario: selectFair, options: { faults: "all" } },
  { fixture: "futures-unordered", name: "future-set-yields", scenario: futuresUnorderedCorrect, options: { faults: "all", ...pollBudget } },
];
