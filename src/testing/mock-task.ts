/**
 * MockTask: a task you step by hand (tokio-test's `task::spawn`): wrap a future, `poll()` it, ask
 * whether it was woken (`isWoken()`) and how often (`wakeCount`), how many clones of its waker
 * are held (`wakersHeld`), run direct calls inside its context (`enter`), and `drop()` it.
 * No Sim is needed: the task is its wakers' target, and its runtime is a MockRuntime.
 *
 * Invariants:
 *  1. Each poll (and each `enter`) lends a fresh borrowed waker of generation k (the k-th poll),
 *     expired when the poll returns: a later use throws WakerMisuseError with the Sim's words.
 *  2. `isWoken()` is "woken since the latest poll started" (tokio-test clears it at each poll); a
 *     wake during the poll counts (the task would be polled again). `wakeCount` never resets.
 *  3. A wake through a waker of an older poll reaches the task (wakers per task, as tokio's) and
 *     is also counted in `staleWakes`.
 *  4. The contract is checked as in a Sim run: polling after the future returned ready, after
 *     `drop()`, or from inside its own poll throws ContractError with the report's words (its
 *     "step" is the task's poll count: a mock task has no run), and the violation is kept in
 *     `violations`. A poll that returns pending having taken no clone
 *     of its waker, woken nothing and with no clone held is recorded there too (lost-wakeup,
 *     at the poll) but not thrown: a hand-written test may mean to show exactly that.
 *  5. `wakersHeld` counts owned clones not yet consumed or dropped (tokio-test's
 *     `waker_ref_count()` is this plus one: it counts the task's own reference).
 */
import { asTaskId, type TaskId } from "../core/ids.js";
import { Context } from "../future/context.js";
import { ContractError, type FutureContractRule } from "../future/contract.js";
import type { Future } from "../future/future.js";
import type { Poll } from "../future/poll.js";
import { wakerMisuseViolation } from "../oracles/contract.js";
import type { Violation } from "../oracles/violation.js";
import { Waker, type WakeHook, type WakerMisuse, type WakeTarget } from "../waker/waker.js";
import { MockRuntime, type PollingTask } from "./mock-runtime.js";

export interface MockTaskOptions {
  /** The task's name in messages (default "mock-task#<n>"). */
  readonly name?: string;
  /** Share a runtime (its clock and timers) between mock tasks; default: one of its own. */
  readonly runtime?: MockRuntime;
}

/** What a future completes with. */
export type OutputOf<F> = F extends Future<infer T> ? T : never;

/** What a poll of a mock task returned, kept for the matchers' messages (assert.ts). */
export interface PollRecord {
  readonly task: MockTask<Future<unknown>>;
  /** Which poll (or `enter`) of the task it was: 1 = the first. */
  readonly poll: number;
}

const records = new WeakMap<object, PollRecord>();

/** @internal The mock task and poll that returned `p` (each poll returns an object of its own). */
export function pollRecordOf(p: unknown): PollRecord | undefined {
  return typeof p === "object" && p !== null ? records.get(p) : undefined;
}

const IDLE = 0;
const POLLING = 1;
const DONE = 2;
const DROPPED = 3;

let nextId = 1;

export class MockTask<F extends Future<unknown>> implements WakeTarget, PollingTask {
  readonly id: TaskId;
  readonly name: string;
  readonly runtime: MockRuntime;
  /** @internal WakeTarget: counts clones, to label wakers. */
  cloneSerial = 0;
  /** Polls (and `enter`s) so far; the waker lent to the k-th has generation k. */
  generation = 0;
  private state = IDLE;
  private wakesSincePoll = 0;
  private wakes = 0;
  private stale = 0;
  private held = 0;
  private clonedThisPoll = false;
  private readonly broken: Violation[] = [];
  /** @internal WakeTarget: what every waker of this task calls. */
  readonly hook: WakeHook;

  constructor(
    private readonly fut: F | null,
    opts: MockTaskOptions = {},
  ) {
    const n = nextId++;
    this.id = asTaskId(n);
    this.name = opts.name ?? fut?.label ?? `mock-task#${n}`;
    this.runtime = opts.runtime ?? new MockRuntime();
    this.hook = new MockWakeHook(this);
  }

  /** The wrapped future (for direct calls; `enter` gives it with a context). */
  get future(): F {
    if (this.fut === null) throw new Error(`mock task '${this.name}' wraps no future (made by mockTask() with no argument): use enter()`);
    return this.fut;
  }

  /** Polls the future once with a fresh waker of this task (rule 1). Returns a Poll object of its own. */
  poll(): Poll<OutputOf<F>> {
    if (this.fut === null) throw new Error(`mock task '${this.name}' wraps no future (made by mockTask() with no argument): poll a future inside enter((cx) => fut.poll(cx)) instead`);
    if (this.state !== IDLE) this.contractBroken(this.state === DONE ? "poll-after-ready" : this.state === DROPPED ? "poll-after-drop" : "reentrant-poll");
    const fut = this.fut;
    const p = this.inPoll((cx) => fut.poll(cx)) as Poll<OutputOf<F>>;
    if (p.ready) this.state = DONE;
    else if (!this.clonedThisPoll && this.held === 0 && this.wakesSincePoll === 0) this.recordViolation(this.pendingWithoutWaker());
    return this.remember(p);
  }

  /**
   * Runs `fn` inside a poll of this task (tokio-test's `enter`): `cx` carries a fresh waker of
   * this task, borrowed for the call, and `fut` is the wrapped future (undefined for a task made
   * with no future). What `fn` returns is returned; a Poll is returned as an object of its own,
   * so the matchers can say which task and poll it came from.
   */
  enter<R>(fn: (cx: Context, fut: F) => R): R {
    if (this.state === DROPPED) throw new Error(`mock task '${this.name}' was dropped: it cannot be entered again`);
    if (this.state === POLLING) this.contractBroken("reentrant-poll");
    const r = this.inPoll((cx) => fn(cx, this.fut as F));
    return isPollShaped(r) ? (this.remember(r) as R) : r;
  }

  /** Rule 2: woken since the latest poll started. */
  isWoken(): boolean {
    return this.wakesSincePoll > 0;
  }

  /** Wakes since the latest poll started (0 before the first poll counts from creation). */
  get wakesSinceLastPoll(): number {
    return this.wakesSincePoll;
  }

  /** Wakes in all, through any waker of this task. */
  get wakeCount(): number {
    return this.wakes;
  }

  /** Rule 3: wakes through a waker of an older poll. */
  get staleWakes(): number {
    return this.stale;
  }

  /** Rule 5: clones of this task's wakers still held somewhere. */
  get wakersHeld(): number {
    return this.held;
  }

  /** Polls (and enters) so far. */
  get polls(): number {
    return this.generation;
  }

  /** True once a poll returned ready. */
  get isDone(): boolean {
    return this.state === DONE;
  }

  /** True once `drop()` ran. */
  get isDropped(): boolean {
    return this.state === DROPPED;
  }

  /** Rule 4: broken contracts and lost wakeups seen so far, as a Sim report words them. */
  get violations(): readonly Violation[] {
    return this.broken;
  }

  /**
   * Drops the future (Rust's `drop(task)`): calls its `drop()` unless it completed, so it must
   * release what it registered — check `wakersHeld` afterwards. Dropping twice is a no-op.
   */
  drop(): void {
    if (this.state === DROPPED) return;
    const wasDone = this.state === DONE;
    this.state = DROPPED;
    if (wasDone || this.fut === null || this.fut.drop === undefined) return;
    const prev = this.runtime.current;
    this.runtime.current = this;
    try {
      this.fut.drop();
    } finally {
      this.runtime.current = prev;
    }
  }

  /** @internal PollingTask */
  recordViolation(v: Violation): void {
    this.broken.push(v);
  }

  /** @internal MockWakeHook */
  _woken(generation: number): void {
    this.wakes++;
    this.wakesSincePoll++;
    if (generation < this.generation) this.stale++;
  }

  /** @internal MockWakeHook */
  _cloned(generation: number): void {
    this.held++;
    if (generation === this.generation) this.clonedThisPoll = true;
  }

  /** @internal MockWakeHook */
  _released(): void {
    this.held--;
  }

  toString(): string {
    return `mock task '${this.name}'`;
  }

  private inPoll<R>(fn: (cx: Context) => R): R {
    const gen = ++this.generation;
    this.wakesSincePoll = 0;
    this.clonedThisPoll = false;
    const waker = new Waker(this, gen, true, 0);
    const rt = this.runtime;
    const prev = rt.current;
    const prevState = this.state;
    rt.current = this;
    rt.innerPolls = 0;
    this.state = POLLING;
    try {
      return fn(new Context(waker, rt));
    } finally {
      waker._expire();
      rt.current = prev;
      this.state = prevState;
    }
  }

  private remember<P extends Poll<unknown>>(p: P): P {
    const own = (p.ready ? { ready: true, value: p.value } : { ready: false }) as P;
    records.set(own, { task: this as MockTask<Future<unknown>>, poll: this.generation });
    return own;
  }

  private contractBroken(rule: FutureContractRule): never {
    const rt = this.runtime;
    const prev = rt.current;
    rt.current = this;
    try {
      rt.contractBroken(rule, this.fut?.label ?? this.name);
    } finally {
      rt.current = prev;
    }
    throw new ContractError(rt.violations[rt.violations.length - 1]!.message);
  }

  private pendingWithoutWaker(): Violation {
    return {
      kind: "lost-wakeup",
      detection: "at-poll",
      stuck: [
        {
          task: this.name,
          diagnosis: "no-wake-source",
          lastPolledStep: this.generation,
          wakersHeld: 0,
          heldBy: [],
          awaiting: this.fut?.label ?? null,
          explanation: `poll ${this.generation} returned pending without cloning its waker or waking it`,
        },
      ],
      tasks: [this.name],
      step: this.generation,
      time: this.runtime.now,
      message: `poll ${this.generation} of mock task '${this.name}' returned pending without taking a clone of this poll's waker and without waking it: nothing can wake it for this poll`,
    };
  }
}

class MockWakeHook implements WakeHook {
  constructor(private readonly task: MockTask<Future<unknown>>) {}

  wake(_t: WakeTarget, waker: Waker): void {
    this.task._woken(waker.generation);
  }

  wakerCloned(_t: WakeTarget, waker: Waker): void {
    this.task._cloned(waker.generation);
  }

  wakerReleased(): void {
    this.task._released();
  }

  wakerMisused(_t: WakeTarget, _w: Waker, misuse: WakerMisuse, message: string): void {
    const t = this.task;
    const by = t.runtime.current;
    t.recordViolation(wakerMisuseViolation(t.name, by === null ? null : by.name, misuse, message, t.generation, t.runtime.now));
  }

  wakersPerPoll(): boolean {
    return false; // rule 3
  }
}

/** A plain `{ ready }` / `{ ready, value }` object (checked without touching other objects' getters: a proxy may throw). */
function isPollShaped(x: unknown): x is Poll<unknown> {
  if (typeof x !== "object" || x === null || Object.getPrototypeOf(x) !== Object.prototype) return false;
  const d = Object.getOwnPropertyDescriptor(x, "ready");
  return d !== undefined && typeof d.value === "boolean" && Object.keys(x).length <= 2;
}

/** Wraps a future in a mock task to poll by hand; with no future, a task for `enter` calls only. */
export function mockTask<F extends Future<unknown>>(fut: F, opts?: MockTaskOptions): MockTask<F>;
export function mockTask(fut?: undefined, opts?: MockTaskOptions): MockTask<Future<never>>;
export function mockTask<F extends Future<unknown>>(fut?: F, opts?: MockTaskOptions): MockTask<F> {
  return new MockTask<F>(fut ?? null, opts);
}
