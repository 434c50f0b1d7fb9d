/**
 * The "io" group: an edge-triggered line reader, a request/response client with a timeout and a
 * retry, a user-written executor, and a task that busy-waits on a timer-driven condition.
 *
 * Budgets are ≥ 3× the worst runs-to-first-failure observed with `explore` (portfolio, 2000
 * runs) over seeds 0–29; shrink bounds are the largest shrunk schedule seen plus one.
 */
import { busyReactorParked, busyReactorPollSleep, busyReactorSelfWake } from "../fixtures/busy-reactor.js";
import { lineReaderCorrect, lineReaderNotDrained } from "../fixtures/line-reader.js";
import { rpcClientCorrect, rpcClientDetachedRead } from "../fixtures/rpc-client.js";
import { runQueueExecutorCorrect, runQueueExecutorDropsNotified } from "../fixtures/run-queue-executor.js";
import type { BuggyCase, CorrectCase } from "./catalog-types.js";

/**
 * Every fault kind except those that delay or cut a stream (`latency`, `reset`, `early-eof`):
 * under these, the fixtures' completeness invariants are armed (every line arrives, every request
 * is answered), whereas under "all" they only check safety (order, no duplicates, no invention).
 * (The invariants read each run's kinds from `sim.options.faults`, so a swarm run that switches
 * some of them off is judged by what it actually had on.)
 */
const UNCUT_FAULTS = ["short-read", "short-write", "coalesce", "spurious-wake", "spurious-readiness", "tie", "cancel"] as const;

export const buggy: BuggyCase[] = [
  {
    fixture: "line-reader",
    twin: "line-reader-not-drained",
    scenario: lineReaderNotDrained,
    bugClass: "edge-triggered readiness not drained",
    // The reader parks with data still buffered; no edge comes, the run goes quiet with its waker
    // held by the pipe. Observed: runs 1–5 (seeds 0–29), shrunk to 1 deviation (the reader runs
    // first, then lags, so the last data and the FIN share one edge).
    expect: { kind: "lost-wakeup", sub: "waker-held-never-woken" },
    budgetRuns: 20,
    maxShrunkDeviations: 2,
  },
  {
    fixture: "rpc-client",
    twin: "rpc-client-detached-read",
    scenario: rpcClientDetachedRead,
    bugClass: "a single waker slot overwritten by a second waiter",
    // The timed-out read task keeps waiting; the retry's read takes the pipe's single waker slot,
    // and the orphan is never woken. The first request always times out (slow server), so the
    // default schedule fails: run 1 on every seed, 0 deviations.
    expect: { kind: "lost-wakeup", sub: "waker-dropped-unwoken" },
    budgetRuns: 5,
    maxShrunkDeviations: 1,
  },
  {
    fixture: "run-queue-executor",
    twin: "run-queue-executor-drops-notified",
    scenario: runQueueExecutorDropsNotified,
    bugClass: "an executor that loses a wake delivered during a poll",
    // The first yieldNow strands its task: run 1 on every seed, 0 deviations.
    expect: { kind: "lost-wakeup", sub: "executor-lost-wake" },
    budgetRuns: 5,
    maxShrunkDeviations: 1,
  },
  {
    fixture: "busy-reactor",
    twin: "busy-reactor-self-wake",
    scenario: busyReactorSelfWake,
    bugClass: "a self-waking task that starves the reactor",
    // The spinning clients are always runnable, so the clock never reaches the heartbeat's timer:
    // run 1 on every seed, 0 deviations.
    expect: { kind: "starvation", sub: "reactor" },
    budgetRuns: 5,
    maxShrunkDeviations: 1,
  },
];

export const correct: CorrectCase[] = [
  { fixture: "line-reader", name: "line-reader-correct", scenario: lineReaderCorrect, options: { faults: "all" } },
  { fixture: "line-reader", name: "line-reader-correct (uncut stream: every line arrives)", scenario: lineReaderCorrect, options: { faults: UNCUT_FAULTS } },
  // Latency may make a request time out twice (then it is given up); resets and early EOFs kill
  // the connection. All tolerated: the safety invariants hold and both ends finish.
  { fixture: "rpc-client", name: "rpc-client-correct", scenario: rpcClientCorrect, options: { faults: "all" } },
  { fixture: "rpc-client", name: "rpc-client-correct (no delay or cut: every request answered)", scenario: rpcClientCorrect, options: { faults: UNCUT_FAULTS } },
  { fixture: "run-queue-executor", name: "run-queue-executor-correct", scenario: runQueueExecutorCorrect, options: { faults: "all" } },
  { fixture: "busy-reactor", name: "busy-reactor-parked", scenario: busyReactorParked, options: { faults: "all" } },
  { fixture: "busy-reactor", name: "busy-reactor-poll-sleep", scenario: busyReactorPollSleep, options: { faults: "all" } },
];
