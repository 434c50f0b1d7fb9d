/**
 * Channels group: oneshot, bounded mpsc with close, Notify.
 *
 * Budgets are ≥ 3× the worst runs-to-first-failure observed over seeds 0–99 of the default
 * (portfolio) exploration; shrink bounds are the worst observed plus a margin of 2.
 * Observed (median / worst runs, worst shrunk deviations), 100 seeds:
 *   oneshot-pending-without-registering   1 / 1,   0
 *   oneshot-lost-wake-in-window           2 / 13,  1
 *   mpsc-single-waker-slot                1 / 2,   0
 *   mpsc-close-notifies-nobody            1 / 1,   0
 *   notify-no-permit                      1 / 8,   1
 *   notify-cancel-swallows               45 / 282, 6   (needs the "cancel" fault)
 *   notify-stale-waker                    1 / 7,   1   (the one stale wake made inert: a "stale-wake" choice)
 */
import { mpscCloseNotifiesNobody, mpscCorrect, mpscSingleWakerSlot } from "../fixtures/mpsc.js";
import { notifyCancelSwallows, notifyCorrect, notifyNoPermit, notifyStaleWaker } from "../fixtures/notify.js";
import { oneshotCorrect, oneshotLostWakeInWindow, oneshotPendingWithoutRegistering } from "../fixtures/oneshot.js";
import type { BuggyCase, CorrectCase } from "./catalog-types.js";

export const buggy: BuggyCase[] = [
  {
    fixture: "oneshot",
    twin: "oneshot-pending-without-registering",
    scenario: oneshotPendingWithoutRegistering,
    bugClass: "pending without registering",
    expect: { kind: "lost-wakeup", sub: "at-poll" },
    budgetRuns: 10,
    maxShrunkDeviations: 2,
  },
  {
    // Spurious wakeups heal this one (the re-polled receiver re-checks): the masking control.
    // Catalogued with spurious wakes off, the default.
    fixture: "oneshot",
    twin: "oneshot-lost-wake-in-window",
    scenario: oneshotLostWakeInWindow,
    bugClass: "a wake issued before the waiter registered, lost",
    expect: { kind: "lost-wakeup", sub: "waker-held-never-woken" },
    budgetRuns: 40,
    maxShrunkDeviations: 3,
  },
  {
    fixture: "mpsc",
    twin: "mpsc-single-waker-slot",
    scenario: mpscSingleWakerSlot,
    bugClass: "a single waker slot overwritten by a second waiter",
    expect: { kind: "lost-wakeup", sub: "waker-dropped-unwoken" },
    budgetRuns: 10,
    maxShrunkDeviations: 2,
  },
  {
    fixture: "mpsc",
    twin: "mpsc-close-notifies-nobody",
    scenario: mpscCloseNotifiesNobody,
    bugClass: "a state transition (close, drop of a permit) that notifies nobody",
    expect: { kind: "lost-wakeup", sub: "waker-held-never-woken" },
    budgetRuns: 10,
    maxShrunkDeviations: 2,
  },
  {
    fixture: "notify",
    twin: "notify-no-permit",
    scenario: notifyNoPermit,
    bugClass: "a wake issued before the waiter registered, lost",
    expect: { kind: "lost-wakeup", sub: "waker-held-never-woken" },
    budgetRuns: 25,
    maxShrunkDeviations: 3,
  },
  {
    fixture: "notify",
    twin: "notify-cancel-swallows",
    scenario: notifyCancelSwallows,
    bugClass: "a notification consumed by a waiter that was then cancelled",
    expect: { kind: "lost-wakeup", sub: "waker-held-never-woken" },
    options: { faults: ["cancel"] },
    budgetRuns: 1000,
    maxShrunkDeviations: 8,
  },
  {
    fixture: "notify",
    twin: "notify-stale-waker",
    scenario: notifyStaleWaker,
    bugClass: "a stale waker kept from an earlier poll",
    expect: { kind: "stale-waker" },
    budgetRuns: 21,
    maxShrunkDeviations: 3,
  },
];

export const correct: CorrectCase[] = [
  { fixture: "oneshot", name: "oneshot-correct", scenario: oneshotCorrect, options: { faults: "all" } },
  { fixture: "mpsc", name: "mpsc-correct", scenario: mpscCorrect, options: { faults: "all" } },
  { fixture: "notify", name: "notify-correct", scenario: notifyCorrect, options: { faults: "all" } },
];
