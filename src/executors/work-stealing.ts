/**
 * WorkStealingExecutor: a simulated multi-worker work-stealing scheduler, modelled on tokio's
 * multi-threaded runtime (tokio/src/runtime/scheduler/multi_thread/worker.rs: per-worker run
 * queue + LIFO slot, a global injector, `global_queue_interval` = 61, `MAX_LIFO_POLLS_PER_TICK`
 * = 3, and `steal_into`, which takes half of a victim's queue and runs the last task taken).
 *
 * Workers do not run in parallel here: one step polls one task, and *which worker* polls next is
 * the simulation's choice among the workers' own picks. That choice models every interleaving of
 * the real workers; the policy below decides what each worker would pick.
 *
 * Where a schedule goes (`schedule(task, cause, from)`):
 *  1. `from` null (the reactor, the test, a spurious wake) → back of the global injector.
 *  2. `from` set, cause "spawn" or "wake" → the LIFO slot of the worker now polling `from`; the
 *     previous occupant is bumped to the back of that worker's local queue. With `lifoSlot: false`
 *     → back of that worker's local queue.
 *  3. cause "notified" (woken during its own poll, i.e. it yielded) → back of that worker's local
 *     queue, never the slot (tokio's `is_yield`), so a yielding task lets its queue-mates run.
 *  4. `from` set but no poll in progress (a future dropped by an abort from outside a poll) →
 *     treated as rule 1: no worker is running that code.
 *
 * What each worker would poll next (its own pick), in this order:
 *  5. On its n-th poll where n is a multiple of `globalQueueIntervalPolls`: the injector first.
 *  6. Its LIFO slot, unless it already polled from the slot `maxLifoPollsInRow` times in a row and
 *     its local queue is not empty; then the slot task is moved to the back of the local queue
 *     (as tokio does when the budget is spent) and the local queue head goes instead. Default 3
 *     (tokio's MAX_LIFO_POLLS_PER_TICK); `Infinity` makes it unbounded, like `"lifo-slot"`.
 *  7. Its local queue head.
 *  8. The injector. When several workers reach for the injector in one round, they get
 *     successive entries (worker order), so every candidate is a distinct task.
 *  9. Otherwise it steals: the victim is one of the other workers with stealable tasks — those in
 *     its local queue, minus the head if the victim's own pick is that head (a slot is never
 *     stolen, as in tokio). With several victims, `env.choose(victims, "executor")` picks, in
 *     scan order from worker+1 (0 = the next worker round the ring). The thief takes the first
 *     half (rounded up) of the stealable tasks into its local queue and polls the last one taken.
 *     Two thieves never target the same victim in one round.
 *
 * Determinism and the chooser (contract rule 4):
 *  10. `candidates()` lists the picks of the workers that have one, in worker order (so the
 *      default schedule is "worker 0 whenever it can"). It is idempotent: a thief's victim choice
 *      is made once, remembered, and reused while that victim stays eligible, so asking twice
 *      consumes no extra choice. The memory is cleared when the worker steals or has work of its
 *      own, so each steal is a fresh choice. A victim choice may thus be recorded in a round where
 *      the simulation ends up polling another worker's task or delivering an event.
 *  11. `take(i)` commits: it performs the move (slot, bump, steal), counts the poll on that worker
 *      and remembers it as the running worker until `pollDone`, so schedules made during the poll
 *      land on it (rules 2-3).
 */
import { closest, OptionError } from "../core/errors.js";
import { checkInt } from "../core/checks.js";
import { type WorkStealingOptions } from "./spec.js";
import type { TaskId } from "../core/ids.js";
import type { Executor, ExecutorEnv, ScheduleCause } from "./executor.js";
import { TaskQueue } from "./task-queue.js";

/** A copy of the executor's queues, for tests and reports. */
export interface WorkStealingSnapshot {
  readonly injector: readonly TaskId[];
  readonly workers: readonly { readonly slot: TaskId | null; readonly local: readonly TaskId[]; readonly polls: number }[];
  /** The task being polled and its worker, between `take` and `pollDone`. */
  readonly running: { readonly task: TaskId; readonly worker: number } | null;
  /** Steals performed so far. */
  readonly steals: number;
}

interface Worker {
  readonly local: TaskQueue;
  slot: TaskId | null;
  /** Consecutive polls taken from the slot (rule 6). */
  lifoInRow: number;
  /** Polls started on this worker (rule 5). */
  polls: number;
  /** Remembered steal victim, -1 for none (rule 10). */
  victim: number;
}

// Where a worker's pick comes from (rules 5-9).
const NONE = 0;
const SLOT = 1;
const BUMP = 2;
const LOCAL = 3;
const INJECTOR = 4;
const STEAL = 5;

const KEYS = ["kind", "workers", "globalQueueIntervalPolls", "lifoSlot", "maxLifoPollsInRow"] as const;

export class WorkStealingExecutor implements Executor {
  readonly name = "work-stealing";
  private readonly workers: Worker[] = [];
  private readonly injector = new TaskQueue();
  private readonly interval: number;
  private readonly lifoSlot: boolean;
  private readonly maxLifoPollsInRow: number;
  private env: ExecutorEnv | null = null;
  private runningTask: TaskId | null = null;
  private runningWorker = -1;
  private steals = 0;

  // The plan of the last candidates() round, reused by take(); allocated once (hot path).
  private readonly out: TaskId[] = [];
  private readonly src: Uint8Array;
  /** Injector index (INJECTOR) or victim (STEAL), per worker. */
  private readonly arg: Int32Array;
  /** First stealable index in the victim's queue (0 or 1) and how many are taken (STEAL). */
  private readonly stealFrom: Int32Array;
  private readonly stealCount: Int32Array;
  private readonly claimed: Uint8Array;
  private readonly candWorker: Int32Array;
  private version = 0;
  private planVersion = -1;

  constructor(opts: WorkStealingOptions) {
    for (const k of Object.keys(opts)) {
      if (!(KEYS as readonly string[]).includes(k)) {
        const hint = closest(k, KEYS);
        throw new OptionError(`executor.${k}`, `unknown work-stealing option${hint ? ` — did you mean '${hint}'?` : "."} Known: ${KEYS.join(", ")}.`);
      }
    }
    const n = checkInt("executor.workers", opts.workers ?? 2, 1);
    this.interval = checkInt("executor.globalQueueIntervalPolls", opts.globalQueueIntervalPolls ?? 61, 1);
    const lifo = opts.lifoSlot ?? true;
    if (typeof lifo !== "boolean") throw new OptionError("executor.lifoSlot", `expected true or false, got ${JSON.stringify(lifo)}`);
    this.lifoSlot = lifo;
    const max = opts.maxLifoPollsInRow ?? 3;
    this.maxLifoPollsInRow = max === Infinity ? max : checkInt("executor.maxLifoPollsInRow", max, 1);
    for (let i = 0; i < n; i++) this.workers.push({ local: new TaskQueue(), slot: null, lifoInRow: 0, polls: 0, victim: -1 });
    this.src = new Uint8Array(n);
    this.arg = new Int32Array(n);
    this.stealFrom = new Int32Array(n);
    this.stealCount = new Int32Array(n);
    this.claimed = new Uint8Array(n);
    this.candWorker = new Int32Array(n);
  }

  attach(env: ExecutorEnv): void {
    this.env = env;
  }

  schedule(task: TaskId, cause: ScheduleCause, from: TaskId | null): void {
    this.version++;
    const w = from === null ? -1 : this.runningWorker; // rules 1 and 4
    if (w < 0) {
      this.injector.push(task);
      return;
    }
    const worker = this.workers[w]!;
    if (cause === "notified" || !this.lifoSlot) {
      worker.local.push(task); // rule 3 (and rule 2 without a slot)
      return;
    }
    if (worker.slot !== null) worker.local.push(worker.slot);
    worker.slot = task;
  }

  candidates(): readonly TaskId[] {
    const ws = this.workers;
    const n = ws.length;
    const out = this.out;
    out.length = 0;
    let nextInjected = 0;
    // Pass 1: each worker's own work (rules 5-8).
    for (let w = 0; w < n; w++) {
      const worker = ws[w]!;
      let src = NONE;
      if ((worker.polls + 1) % this.interval === 0 && nextInjected < this.injector.length) src = INJECTOR;
      else if (worker.slot !== null) src = worker.lifoInRow < this.maxLifoPollsInRow || worker.local.length === 0 ? SLOT : BUMP;
      else if (worker.local.length > 0) src = LOCAL;
      else if (nextInjected < this.injector.length) src = INJECTOR;
      this.src[w] = src;
      this.claimed[w] = 0;
      if (src === INJECTOR) this.arg[w] = nextInjected++;
      if (src !== NONE) worker.victim = -1; // rule 10: the next steal is a fresh choice
    }
    // Pass 2: idle workers steal (rule 9).
    for (let w = 0; w < n; w++) if (this.src[w] === NONE) this.planSteal(w);
    for (let w = 0; w < n; w++) {
      const worker = ws[w]!;
      let t: TaskId | undefined;
      switch (this.src[w]) {
        case SLOT:
          t = worker.slot!;
          break;
        case BUMP:
        case LOCAL:
          t = worker.local.peek();
          break;
        case INJECTOR:
          t = this.injector.at(this.arg[w]!);
          break;
        case STEAL:
          t = ws[this.arg[w]!]!.local.at(this.stealFrom[w]! + this.stealCount[w]! - 1);
          break;
      }
      if (t !== undefined) {
        this.candWorker[out.length] = w;
        out.push(t);
      }
    }
    this.planVersion = this.version;
    return out;
  }

  take(index: number): TaskId {
    if (this.planVersion !== this.version) this.candidates();
    const w = this.candWorker[index]!;
    const worker = this.workers[w]!;
    let t: TaskId;
    switch (this.src[w]) {
      case SLOT:
        t = worker.slot!;
        worker.slot = null;
        worker.lifoInRow++;
        break;
      case BUMP:
        worker.local.push(worker.slot!);
        worker.slot = null;
        t = worker.local.shift()!;
        worker.lifoInRow = 0;
        break;
      case LOCAL:
        t = worker.local.shift()!;
        worker.lifoInRow = 0;
        break;
      case INJECTOR: {
        const i = this.arg[w]!;
        t = this.injector.at(i)!;
        if (i === 0) this.injector.shift();
        else this.injector.remove(t);
        worker.lifoInRow = 0;
        break;
      }
      default:
        t = this.steal(w);
    }
    worker.polls++;
    this.runningTask = t;
    this.runningWorker = w;
    this.version++;
    return t;
  }

  remove(task: TaskId): void {
    if (this.injector.remove(task)) {
      this.version++;
      return;
    }
    for (const worker of this.workers) {
      if (worker.slot === task) worker.slot = null;
      else if (!worker.local.remove(task)) continue;
      this.version++;
      return;
    }
  }

  pollDone(task: TaskId): void {
    if (task === this.runningTask) {
      this.runningTask = null;
      this.runningWorker = -1;
    }
  }

  /** The worker polling a task right now (between `take` and `pollDone`), else null. */
  get runningOn(): number | null {
    return this.runningWorker < 0 ? null : this.runningWorker;
  }

  /** Copies the queues (allocates; for tests and reports, not the hot path). */
  snapshot(): WorkStealingSnapshot {
    return {
      injector: this.injector.toArray(),
      workers: this.workers.map((w) => ({ slot: w.slot, local: w.local.toArray(), polls: w.polls })),
      running: this.runningTask === null ? null : { task: this.runningTask, worker: this.runningWorker },
      steals: this.steals,
    };
  }

  /** Tasks in `v`'s local queue a thief may take: all but the head when `v` is about to poll it. */
  private stealable(v: number): number {
    const own = this.src[v];
    return this.workers[v]!.local.length - (own === LOCAL || own === BUMP ? 1 : 0);
  }

  private eligible(v: number): boolean {
    return this.claimed[v] === 0 && this.stealable(v) > 0;
  }

  /** Rule 9 and 10: picks (or recalls) a victim for idle worker `w` and plans the steal. */
  private planSteal(w: number): void {
    const ws = this.workers;
    const n = ws.length;
    const worker = ws[w]!;
    let victim = worker.victim >= 0 && this.eligible(worker.victim) ? worker.victim : -1;
    if (victim < 0) {
      let count = 0;
      for (let j = 1; j < n; j++) if (this.eligible((w + j) % n)) count++;
      if (count === 0) {
        worker.victim = -1;
        return;
      }
      let k = count > 1 && this.env !== null ? this.env.choose(count, "executor") : 0;
      for (let j = 1; j < n; j++) {
        const v = (w + j) % n;
        if (this.eligible(v) && k-- === 0) {
          victim = v;
          break;
        }
      }
      worker.victim = victim;
    }
    const stealable = this.stealable(victim);
    this.src[w] = STEAL;
    this.arg[w] = victim;
    this.stealFrom[w] = ws[victim]!.local.length - stealable;
    this.stealCount[w] = stealable - Math.floor(stealable / 2); // half, rounded up, as tokio's steal_into
    this.claimed[victim] = 1;
  }

  /** Moves the planned half of the victim's queue to `w` and returns the last task moved. */
  private steal(w: number): TaskId {
    const worker = this.workers[w]!;
    const from = this.workers[this.arg[w]!]!.local;
    const keepHead = this.stealFrom[w] === 1 ? from.shift()! : undefined;
    const count = this.stealCount[w]!;
    for (let i = 0; i < count - 1; i++) worker.local.push(from.shift()!);
    const t = from.shift()!;
    if (keepHead !== undefined) from.unshift(keepHead);
    worker.lifoInRow = 0;
    worker.victim = -1;
    this.steals++;
    return t;
  }
}
