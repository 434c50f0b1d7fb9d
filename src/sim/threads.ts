/**
 * ThreadSteps: the step rule of a run with threads — preemptible polls (`pollSteps`, see
 * threads/step-future.ts) on the executor's workers, simulated threads (`sim.thread`), and the
 * reactor — where one step is one atomic step of one of them, chosen by the chooser.
 *
 * A run switches to this rule (for good) when its first preemptible future is spawned or its
 * first thread made; a run with neither never gets here, so its choices are exactly as before.
 *
 * Threads of the run, numbered (stable within a run, as the explorers need: dpor.ts):
 *  - workers 0 … W−1: an idle worker's step starts a poll of a task the executor offers (the
 *    lowest idle worker only: workers are alike) — a plain poll runs whole in that step; a
 *    preemptible one runs to its first op, and each later step of that worker performs the op
 *    it stopped at and runs on to the next one, or to the end of the poll;
 *  - W: the reactor; its step delivers the first due event;
 *  - W+1 …: simulated threads, in creation order; a step performs the op the thread stopped at.
 *
 * Rules:
 *  1. A thread is enabled when its next op is ready (step-op.ts rule 3); an idle worker when the
 *     executor offers a task; the reactor when an event is due. The options are ordered with the
 *     thread that took the last step first (when still enabled), then by number: answer 0 runs
 *     on without a preemption, so shrinking toward 0 removes preemptions.
 *  2. With none enabled, the clock jumps to the next event (a park's deadline among them); with
 *     no event left either, the run is quiescent.
 *  3. While a worker's poll is in flight the task is Running: a wake from anywhere makes it
 *     Notified (task-state.ts rule 3) and it is polled again after this poll returns pending.
 *     `currentTask` is the task whose step runs (a step is atomic), so wakes, reports and the
 *     oracles attribute as in a plain poll; the poll's waker expires when the poll returns.
 *  4. What each step touched is told to the chooser (`threadStepped`): the op it performed; a
 *     poll start, a poll's return and a wake touch the scheduler (SCHEDULER_OBJECT); a plain
 *     poll or an event delivery is described as touching everything (WORLD_OBJECT).
 *  5. Under the fair suffix (a liveness suspicion) the enabled thread that waited longest goes.
 *  6. A yield is not run again at once: a task whose poll returned pending after it was woken
 *     during that poll (it yielded, or spins waiting for another thread) is not started again
 *     while it is the only task offered and another thread can step — until another thread
 *     has taken a step (CHESS's fair scheduling of yielding threads: Musuvathi & Qadeer, "Fair
 *     Stateless Model Checking", PLDI 2008). Without it, a spin on a value another thread is
 *     about to write is an endless schedule that systematic search never leaves, and a
 *     priority-driven one (PCT) spins until the step limit; with it, each spin iteration lets
 *     the others move. Two iterations in a row with nothing between them change nothing.
 */
import type { Access, ThreadEvent } from "../chooser/access.js";
import type { Executor } from "../executors/executor.js";
import type { Runtime } from "../future/runtime.js";
import type { Reactor } from "../reactor/reactor.js";
import type { ChoiceLog } from "./choice-log.js";
import type { Tracer } from "./tracer.js";
import { Context } from "../future/context.js";
import type { Poll } from "../future/poll.js";
import { panicViolation } from "../oracles/contract.js";
import type { Violation } from "../oracles/violation.js";
import { ReactorEvent } from "../reactor/event-queue.js";
import type { Task } from "../task/task.js";
import { TaskState } from "../task/task-state.js";
import { isSteppedFuture, type SteppedFuture } from "../threads/step-future.js";
import { accessOf, isStepOp, SCHEDULER_OBJECT, WORLD_OBJECT, type StepOp, type StepThread, type Steps } from "../threads/step-op.js";
import { SimThread, type ParkOp, type ThreadBody } from "../threads/thread-handle.js";
import { dataCellsExist } from "../threads/data-cell.js";
import { RaceDetector } from "./race-detector.js";
import type { Waker } from "../waker/waker.js";

/** What ThreadSteps needs of the run (the step loop): its position, and the two halves of a poll. */
export interface ThreadLoop {
  readonly steps: number;
  readonly now: number;
  currentTask: Task | null;
  currentThread: string | null;
  /** A task to poll, taken from the executor (the task choice), or null when none is offered. */
  takeTask(): Task | null;
  /** Polls a task whole (a plain poll). */
  pollTask(t: Task): void;
  /** The first half of a poll: the task is Running, its waker is handed out. */
  beginPoll(t: Task): Waker;
  /** The second half: applies the poll's answer. */
  endPoll(t: Task, waker: Waker, result: "ready" | "pending" | "panicked", value: unknown, thrown: unknown): void;
  deliverDue(): void;
  /** Jumps the clock to the next event (false: there is none). */
  advanceClock(): boolean;
  /** A thread step was taken (the loop counts it and runs the per-step oracles). */
  threadStepped(): void;
  /** The explorer found the rest of this run redundant: it stops, clean. */
  abandon(): void;
  report(v: Violation): void;
}

/** The run's parts ThreadSteps reads and drives directly. */
export interface ThreadParts {
  readonly reactor: Reactor;
  readonly executor: Executor;
  readonly log: ChoiceLog;
  readonly tracer: Tracer;
  readonly runtime: Runtime;
}

/** A thread's position: the op it stopped at, and the body to resume. */
interface Runner extends StepThread {
  body: Steps<unknown> | null;
  op: StepOp | null;
  alarm: Alarm | null;
  /** Step at which it last ran (rule 5). */
  lastStep: number;
  /** An access its next step also makes (the read of its creation). */
  firstAlso: Access | null;
}

interface WorkerSlot extends Runner {
  task: Task | null;
  waker: Waker | null;
}

interface ThreadRunner extends Runner {
  readonly handle: SimThread;
  done: boolean;
}

/** A park's deadline (threads/thread-handle.ts): makes the op ready when virtual time reaches it. */
class Alarm extends ReactorEvent {
  constructor(
    at: number,
    private readonly target: ParkOp,
    private readonly thread: string,
  ) {
    super(at);
  }
  fire(): void {
    this.target.expire?.();
  }
  describe(): string {
    return `park deadline of ${this.thread}`;
  }
}

const SCHED_RMW: Access = { object: SCHEDULER_OBJECT, kind: "rmw" };
const SCHED_WAKE: Access = { object: SCHEDULER_OBJECT, kind: "wake" };
const WORLD: Access = { object: WORLD_OBJECT, kind: "write" };

export class ThreadSteps {
  private readonly slots: WorkerSlot[] = [];
  private readonly threads: ThreadRunner[] = [];
  private readonly reactorNo: number;
  private reactorLast = -1;
  private last: number | null = null;
  /** Set while a step runs when it woke a task or spawned one (rule 4). */
  private touchedScheduler = false;
  private made: Access[] = [];
  private liveNonDaemon = 0;
  /** The task whose poll the last worker step advanced (race reports name it). */
  private lastTask: Task | null = null;
  /** Data races (race-detector.ts): made at the first step of a run that made a DataCell. */
  private races: RaceDetector | null | undefined = undefined;
  /** The op the step being taken performed (null: a poll start, a plain poll, a delivery). */
  private performedOp: StepOp | null = null;
  /** Rule 6: the task that just yielded, until another thread steps. */
  private yielded: Task | null = null;
  // Scratch lists, reused every step.
  private readonly enabled: number[] = [];
  private readonly waitedSince: number[] = [];
  private readonly waiting: ThreadEvent[] = [];

  constructor(
    private readonly loop: ThreadLoop,
    private readonly parts: ThreadParts,
    readonly workers: number,
  ) {
    for (let w = 0; w < workers; w++) {
      this.slots.push({ no: w, name: `worker ${w}`, body: null, op: null, alarm: null, lastStep: -1, firstAlso: null, task: null, waker: null });
    }
    this.reactorNo = workers;
  }

  /** Non-daemon threads not finished (the run completes only without them). */
  get unfinishedThreads(): number {
    return this.liveNonDaemon;
  }

  /** A step woke or spawned a task (rule 4). */
  schedulerTouched(): void {
    this.touchedScheduler = true;
  }

  /** `sim.thread`: a new thread, runnable at once; its body runs to its first op now. */
  spawnThread(body: ThreadBody, name: string | undefined, daemon: boolean): SimThread {
    const no = this.reactorNo + 1 + this.threads.length;
    const handle = new SimThread(no, name ?? `thread${this.threads.length + 1}`, daemon);
    const r: ThreadRunner = { no, name: handle.name, handle, body: null, op: null, alarm: null, lastStep: this.loop.steps, firstAlso: null, done: false };
    this.threads.push(r);
    if (!daemon) this.liveNonDaemon++;
    // Made by a step of another thread: that step happens before the new thread's first (dpor.ts, "Wiring").
    const made: Access = { object: `spawn:${handle.id}`, kind: "write" };
    this.made.push(made);
    r.firstAlso = { object: made.object, kind: "read" };
    const prev = this.loop.currentTask;
    this.loop.currentTask = null;
    try {
      r.body = body(handle);
      if (typeof r.body?.next !== "function") throw new TypeError(`sim.thread expects a generator function (function* (t) { … }), got one that returned ${String(r.body)}`);
      this.advance(r, handle);
    } finally {
      this.loop.currentTask = prev;
    }
    return handle;
  }

  /** One step (rules 1–2). False when nothing can happen any more. */
  tick(): boolean {
    const { enabled, waitedSince, waiting } = this;
    enabled.length = 0;
    waitedSince.length = 0;
    waiting.length = 0;
    let idleListed = false;
    const offered = this.parts.executor.candidates().length > 0 && !this.onlyYielderOffered();
    for (const s of this.slots) {
      if (s.body !== null) this.consider(s);
      else if (offered && !idleListed) {
        idleListed = true;
        enabled.push(s.no);
        waitedSince.push(s.lastStep);
      }
    }
    if (this.parts.reactor.hasDue()) {
      enabled.push(this.reactorNo);
      waitedSince.push(this.reactorLast);
    }
    for (const r of this.threads) if (!r.done) this.consider(r);
    if (enabled.length === 0 && this.yielded !== null) {
      // Rule 6 holds back only while another thread can step.
      this.yielded = null;
      return this.tick();
    }
    if (enabled.length === 0) {
      if (this.loop.advanceClock()) return true;
      if (waiting.length > 0) this.parts.log.chooseThread(enabled, null, waiting, waitedSince); // a deadlock: the explorer hears of it
      return false;
    }
    // Rule 1: the previous thread first.
    const prev = this.last !== null ? enabled.indexOf(this.last) : -1;
    if (prev > 0) {
      enabled.splice(prev, 1);
      enabled.unshift(this.last!);
      const w = waitedSince.splice(prev, 1)[0]!;
      waitedSince.unshift(w);
    }
    const i = this.parts.log.chooseThread(enabled, prev >= 0 ? this.last : null, waiting, waitedSince);
    if (i < 0) {
      this.loop.abandon();
      return true;
    }
    const no = enabled[i]!;
    this.last = no;
    this.yielded = null;
    this.touchedScheduler = false;
    this.made = [];
    this.performedOp = null;
    let access: Access;
    if (no < this.workers) access = this.stepWorker(this.slots[no]!);
    else if (no === this.reactorNo) {
      this.reactorLast = this.loop.steps;
      this.loop.deliverDue();
      access = WORLD;
    } else access = this.stepThread(this.threads[no - this.reactorNo - 1]!);
    const full = this.describe(access);
    this.parts.log.chooser.threadStepped?.(full);
    if ((this.races ??= dataCellsExist() ? new RaceDetector() : null) !== null) this.checkRaces(no, full);
    this.loop.threadStepped();
    return true;
  }

  /** race-detector.ts: the step of thread `no` that touched `a` (and `a.also`). */
  private checkRaces(no: number, a: Access): void {
    const races = this.races!;
    races.tick(no);
    const nonAtomic = this.performedOp?.nonAtomic === true;
    if (nonAtomic) {
      const who = no < this.workers ? `${this.slots[no]!.name}${this.lastTask === null ? "" : ` (polling ${this.lastTask.name})`}` : no === this.reactorNo ? "the reactor" : this.threads[no - this.reactorNo - 1]!.name;
      const v = races.access(no, who, a, this.loop.steps, this.loop.now);
      if (v !== null) this.loop.report(v);
    }
    races.step(no, a.also === undefined ? [a] : [a, ...a.also], nonAtomic);
  }

  /** Lists a thread with a body as enabled or waiting. */
  private consider(r: Runner): void {
    const o = r.op;
    if (o === null) return;
    if (o.ready === undefined || o.ready()) {
      this.enabled.push(r.no);
      this.waitedSince.push(r.lastStep);
    } else {
      if (o.access.kind === "lock") this.waiting.push({ thread: r.no, access: accessOf(o) });
      const park = o as StepOp & ParkOp;
      if (park.until !== undefined && r.alarm === null) {
        r.alarm = new Alarm(park.until, park, r.name);
        this.parts.reactor.schedule(r.alarm);
      }
    }
  }

  /** The access a step reports: what it did, plus the scheduler if it woke or spawned, plus creations (rule 4). */
  private describe(main: Access): Access {
    const also: Access[] = [];
    if (this.touchedScheduler && main.object !== SCHEDULER_OBJECT && main.object !== WORLD_OBJECT) also.push(SCHED_WAKE);
    for (const m of this.made) also.push(m);
    if (main.also !== undefined) also.push(...main.also);
    return also.length === 0 ? main : { object: main.object, kind: main.kind, also };
  }

  private stepWorker(s: WorkerSlot): Access {
    s.lastStep = this.loop.steps;
    if (s.body === null) {
      const t = this.loop.takeTask()!;
      if (!isSteppedFuture(t.future)) {
        this.loop.pollTask(t);
        this.noteYield(t);
        return WORLD;
      }
      const waker = this.loop.beginPoll(t);
      s.task = t;
      s.waker = waker;
      s.body = (t.future as SteppedFuture<unknown>).pollSteps(new Context(waker, this.parts.runtime));
      if (this.parts.tracer.on) this.parts.tracer.noteIn(t.name, `on ${s.name}`);
      this.advance(s, s);
      return SCHED_RMW;
    }
    const performed = s.op!;
    this.lastTask = s.task;
    this.advance(s, s);
    return this.performed(performed, s);
  }

  private stepThread(r: ThreadRunner): Access {
    r.lastStep = this.loop.steps;
    const performed = r.op!;
    this.advance(r, r.handle);
    return this.performed(performed, r);
  }

  private performed(o: StepOp, r: Runner): Access {
    this.performedOp = o;
    const a = accessOf(o);
    if (r.firstAlso !== null) {
      const also = [r.firstAlso];
      r.firstAlso = null;
      return { object: a.object, kind: a.kind, also };
    }
    return a;
  }

  /** Resumes `r`'s body: performs its pending op and runs to its next op or its end. */
  private advance(r: Runner, self: StepThread): void {
    if (r.alarm !== null) {
      this.parts.reactor.cancel(r.alarm);
      r.alarm = null;
    }
    const slot = r.no < this.workers ? (r as WorkerSlot) : null;
    const task = slot?.task ?? null;
    const prev = this.loop.currentTask;
    this.loop.currentTask = task;
    this.loop.currentThread = task === null ? r.name : null;
    if (this.parts.tracer.on && r.op !== null) this.parts.tracer.noteIn(task?.name ?? r.name, r.op.label);
    let next: IteratorResult<StepOp, unknown>;
    try {
      next = r.body!.next(self);
      if (next.done !== true && !isStepOp(next.value)) {
        throw new TypeError(`${task === null ? `thread '${r.name}'` : `the pollSteps of task '${task.name}'`} yielded ${String(next.value)}: yield* an operation (cell.load(), mutex.lock(), point("…")), not a value`);
      }
    } catch (e) {
      this.loop.currentTask = prev;
      this.loop.currentThread = null;
      r.body = null;
      r.op = null;
      if (slot !== null && task !== null) this.endPoll(slot, "panicked", undefined, e);
      else this.threadEnded(r as ThreadRunner, e);
      return;
    }
    this.loop.currentTask = prev;
    this.loop.currentThread = null;
    if (next.done === true) {
      r.body = null;
      r.op = null;
      if (slot !== null && task !== null) {
        const p = next.value as Poll<unknown>;
        this.endPoll(slot, p.ready ? "ready" : "pending", p.ready ? p.value : undefined, undefined);
      } else this.threadEnded(r as ThreadRunner, undefined);
      return;
    }
    r.op = next.value;
  }

  private endPoll(s: WorkerSlot, result: "ready" | "pending" | "panicked", value: unknown, thrown: unknown): void {
    const t = s.task!;
    const waker = s.waker!;
    s.task = null;
    s.waker = null;
    this.touchedScheduler = true; // the poll's return moves the task's state (rule 4)
    this.loop.endPoll(t, waker, result, value, thrown);
    this.noteYield(t);
  }

  /** Rule 6: after a poll of `t` ended, whether it yielded (is queued again at once). */
  private noteYield(t: Task): void {
    if (t.state === TaskState.Scheduled) this.yielded = t;
  }

  /** Rule 6: the executor offers only the task that just yielded. */
  private onlyYielderOffered(): boolean {
    const y = this.yielded;
    if (y === null || y.state !== TaskState.Scheduled) return false;
    const c = this.parts.executor.candidates();
    return c.length === 1 && c[0] === y.id;
  }

  private threadEnded(r: ThreadRunner, thrown: unknown): void {
    r.done = true;
    if (!r.handle.daemon) this.liveNonDaemon--;
    if (thrown !== undefined) {
      this.loop.report(panicViolation(r.name, thrown, `thread '${r.name}' threw at step ${this.loop.steps}`, this.loop.steps, this.loop.now));
    }
  }

  /** At quiescence: the non-daemon threads that never finished, and what each waits for. */
  blockedThreads(): { name: string; waitsFor: string }[] {
    const out: { name: string; waitsFor: string }[] = [];
    for (const s of this.slots) {
      if (s.task !== null && s.op !== null) out.push({ name: `${s.name} (polling ${s.task.name})`, waitsFor: s.op.waitsFor ?? s.op.label });
    }
    for (const r of this.threads) {
      if (!r.done && !r.handle.daemon && r.op !== null) out.push({ name: r.name, waitsFor: r.op.waitsFor ?? r.op.label });
    }
    return out;
  }
}
