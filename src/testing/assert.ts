/**
 * Assertions on polls and mock tasks, for any test runner (tokio-test's `assert_pending!`,
 * `assert_ready!`, `assert_ready_eq!`, and `assert!(task.is_woken())`), and the checks the vitest
 * matchers share (vitest-matchers.ts): each check returns whether it passed and the message for
 * either outcome, so `expect(x).not.…` reads as well as `expect(x).…`.
 *
 * Every failure message says what the poll returned — `Ready(<value>)` or `Pending` — and, when
 * the poll came from a mock task, which task and poll, and the task's wake counts now.
 */
import { inspect, isDeepStrictEqual } from "node:util";
import type { Future } from "../future/future.js";
import type { Poll } from "../future/poll.js";
import { MockTask, pollRecordOf } from "./mock-task.js";

/** Thrown by the assert helpers. */
export class PollAssertionError extends Error {
  override readonly name = "PollAssertionError";
}

/** The result of a check: whether it passed, and what to say when it did not (or, negated, when it did). */
export interface CheckResult {
  readonly pass: boolean;
  readonly message: string;
}

/** A value as a message shows it: short, one line, deterministic. */
export function formatValue(v: unknown): string {
  return inspect(v, { depth: 3, breakLength: Infinity, compact: true, sorted: true });
}

/** `Ready(<value>)` or `Pending`; anything else is named as what it is. */
export function describePoll(p: unknown): string {
  if (!isPoll(p)) return `not a Poll: ${formatValue(p)}`;
  return p.ready ? `Ready(${formatValue(p.value)})` : "Pending";
}

/** A task's wake counts, as the messages show them. */
export function describeWakes(t: MockTask<Future<unknown>>): string {
  const since = t.polls === 0 ? "since it was made" : `since poll ${t.polls}`;
  const held = t.wakersHeld;
  return (
    `woken ${times(t.wakesSinceLastPoll)} ${since}, ${times(t.wakeCount)} in all` +
    (t.staleWakes > 0 ? ` (${times(t.staleWakes)} through a waker of an older poll)` : "") +
    `; ${held} waker clone${held === 1 ? "" : "s"} held`
  );
}

function times(n: number): string {
  return n === 1 ? "once" : `${n} times`;
}

function isPoll(p: unknown): p is Poll<unknown> {
  return typeof p === "object" && p !== null && typeof (p as { ready?: unknown }).ready === "boolean";
}

/** "poll 2 of mock task 'rx' returned Ready(1) (task 'rx': woken …)" or, for a poll not made by a mock task, "the poll returned …". */
function returned(p: unknown): string {
  const r = pollRecordOf(p);
  if (r === undefined) return `the poll returned ${describePoll(p)}`;
  return `poll ${r.poll} of mock task '${r.task.name}' returned ${describePoll(p)} (task '${r.task.name}' now: ${describeWakes(r.task)})`;
}

export function checkPending(p: unknown): CheckResult {
  const pass = isPoll(p) && !p.ready;
  return { pass, message: pass ? `expected a Ready poll, but ${returned(p)}` : `expected Pending, but ${returned(p)}` };
}

export function checkReady(p: unknown): CheckResult {
  const pass = isPoll(p) && p.ready;
  return { pass, message: pass ? `expected Pending, but ${returned(p)}` : `expected Ready, but ${returned(p)}` };
}

/** Ready with a value deep-equal (node's isDeepStrictEqual) to `expected`. */
export function checkReadyWith(p: unknown, expected: unknown): CheckResult {
  const pass = isPoll(p) && p.ready && isDeepStrictEqual(p.value, expected);
  return {
    pass,
    message: pass ? `expected anything but Ready(${formatValue(expected)}), but ${returned(p)}` : `expected Ready(${formatValue(expected)}), but ${returned(p)}`,
  };
}

export function checkWoken(t: unknown): CheckResult {
  if (!(t instanceof MockTask)) return { pass: false, message: `expected a mock task (from mockTask()), got ${formatValue(t)}` };
  const pass = t.isWoken();
  const task = t as MockTask<Future<unknown>>;
  return {
    pass,
    message: pass ? `expected mock task '${t.name}' not to be woken since its latest poll, but it was: ${describeWakes(task)}` : `expected mock task '${t.name}' to be woken since its latest poll, but it was not: ${describeWakes(task)}`,
  };
}

export function checkWakeCount(t: unknown, n: number): CheckResult {
  if (!(t instanceof MockTask)) return { pass: false, message: `expected a mock task (from mockTask()), got ${formatValue(t)}` };
  const pass = t.wakeCount === n;
  const task = t as MockTask<Future<unknown>>;
  return { pass, message: `expected mock task '${t.name}' ${pass ? "not " : ""}to have been woken ${times(n)} in all: ${describeWakes(task)}` };
}

function enforce(r: CheckResult, message?: string): void {
  if (!r.pass) throw new PollAssertionError(message === undefined ? r.message : `${message}: ${r.message}`);
}

/** Throws unless `p` is Pending (tokio-test `assert_pending!`). */
export function assertPending<T>(p: Poll<T>, message?: string): void {
  enforce(checkPending(p), message);
}

/** Throws unless `p` is Ready; returns its value (tokio-test `assert_ready!`). */
export function assertReady<T>(p: Poll<T>, message?: string): T {
  enforce(checkReady(p), message);
  return (p as { value: T }).value;
}

/** Throws unless `p` is Ready with a value deep-equal to `expected` (tokio-test `assert_ready_eq!`). */
export function assertReadyWith<T>(p: Poll<T>, expected: T, message?: string): void {
  enforce(checkReadyWith(p, expected), message);
}

/** Throws unless the mock task was woken since its latest poll (`assert!(task.is_woken())`). */
export function assertWoken(t: MockTask<Future<unknown>>, message?: string): void {
  enforce(checkWoken(t), message);
}

/** Throws if the mock task was woken since its latest poll (`assert!(!task.is_woken())`). */
export function assertNotWoken(t: MockTask<Future<unknown>>, message?: string): void {
  const r = checkWoken(t);
  enforce({ pass: !r.pass && t instanceof MockTask, message: r.message }, message);
}
