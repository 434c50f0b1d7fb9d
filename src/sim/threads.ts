/**
 * ThreadSteps: the step rule of a run with threads — preemptible polls (`pollSteps`, see
 * threads/step-future.ts) on the executor's workers, simulated threads (`sim.thread`), and the
 * reactor — where one step is one atomic step of one of them, chosen by the chooser.
 *
 * A run switches to this rule (for good) when its first preemptible future is spawned or its
 * first thread made; a run with neither never gets here, so its choices are exactly as before.
 *
 * Threads of the run, numbered in order of first appearance (stable within a run given its
 * choices, as the explorers need: dpor.ts):
 *  - 0: the reactor; its step delivers the first due event;
 *  - each task: its polls are one thread of steps (a task's polls follow one another, whichever
 *    worker runs them). While fewer than W polls are in flight (W = `workers`), each task the
 *    executor offers may start: that step takes it, on the lowest free worker — a plain poll
 *    runs whole in that step; a preemptible one runs to its first op, and each later step of it
 *    performs the op it stopped at and runs on to the next one, or to the end of the poll;
 *  - each `sim.thread`, numbered when made; a step performs the op the thread stopped at.
 *
 * Rules:
 *  1. A thread is enabled when its next op is ready (step-op.ts rule 3); a task not in flight
 *     when the executor offers it and a worker is free; the reactor when an event is due. The
 *     options are ordered with the thread that took the last step first (when still enabled),
 *     then by number: answer 0 runs on without a preemption, so shrinking toward 0 removes
 *     preemptions.
 *  2. With none enabled, the clock jumps to the next event (a park's deadline among them); with
 *     no event left either, the run is quiescent.
 *  3. While a poll is in flight the task is Running: a wake from anywhere makes it Notified
 *     (task-state.ts rule 3) and it is polled again after this poll returns pending.
 *     `currentTask` is the task whose step runs (a step is atomic), so wakes, reports and the
 *     oracles attribute as in a plain poll; the poll's waker expires when the poll returns.
 *  4. What each step touched is told to the chooser (`threadStepped`): the op it performed; a
 *     poll start, a poll's return, a spawn and a wake touch the scheduler — under the permissive
 *     executor (any runnable task may go next: a task's start depends only on its own state and
 *     a free worker) each task's own object `task:<id>`, plus `workers` (written by a start that
 *     fills the last worker or a return that frees it, read otherwise); under any other executor
 *     (whose candidates depend on its queue's order) the one SCHEDULER_OBJECT. A plain poll or an
 *     event delivery is described as touching everything (WORLD_OBJECT).
 *  5. Under the fair suffix (a liveness suspicion) the enabled thread that waited longest goes.
 *  6. A yield is not run again at once: a task whose poll returned pending after it was woken
 *     during that poll (it yielded, or spins waiting for another thread), or a thread that
 *     performed a `spinLoop()` hint, is not offered again while another thread can step —
 *     until another thread has taken a step (CHESS's fair
 *     scheduling of yielding threads: Musuvathi & Qadeer, "Fair Stateless Model Checking",
 *     PLDI 2008). Without it, a spin on a value another thread is about to write is an endless
 *     schedule that systematic search never leaves, and a priority-driven one (PCT) spins until
 *     the step limit; with it, each spin iteration lets the others move. Two iterations in a
 *     row with nothing between them change nothing.
 */
import type { Access, ThreadEvent } from "../chooser/access.js";
import { Context } from "../future/context.js";
import type { Poll } from "../future/poll.js";
import { panicViolation } from "../oracles/contract.js";
import type { Task } from "../task/task.js";
import type { TaskId } from "../core/ids.js";
import { TaskState } from "../task/task-state.js";
import { isSteppedFuture, type SteppedFuture } from "../threads/step-future.js";
import { accessOf, isStepOp, SCHEDULER_OBJECT, WORLD_OBJECT, type StepOp } from "../threads/step-op.js";
import { SimThread, type ParkOp, type ThreadBody } from "../threads/thread-handle.js";
import { dataCellsExist } from "../threads/data-cell.js";
import { RaceDetector } from "./race-detector.js";
import { Alarm, type InFlight, type Runner, type ThreadLoop, type ThreadParts, type ThreadRunner } from "./thread-parts.js";

export type { ThreadLoop, ThreadParts } from "./thread-parts.js";

const SCHED_RMW: Access = { object: SCHEDULER_OBJECT, kind: "rmw" };
const SCHED_WAKE: Access = { object: SCHEDULER_OBJECT, kind: "wake" };
const WORLD: Access = { object: WORLD_OBJECT, kind: "write" };
const REACTOR = 0;

/** What an option of a step is: a runner to resume, a task to start, or the reactor. */
type Option = Runner | Task | typeof REACTOR;

export class ThreadSteps {
  /** The poll in flight on each worker, or null. */
  private readonly slots: (InFlight | null)[];
  private inFlight = 0;
  private readonly threads: ThreadRunner[] = [];
  /** Thread numbers of tasks, given at first appearance; 0 is the reactor. */
  private readonly taskNo = new Map<TaskId, number>();
  private nextNo = 1;
  /** Step at which each thread (by number) last ran (rule 5). */
  private readonly lastStep: number[] = [-1];
  private last: number | null = null;
  /** What the step being taken touched of the scheduler (rule 4). */
  private readonly touched: Access[] = [];
  private made: Access[] = [];
  private liveNonDaemon = 0;
  /** Data races (race-detector.ts): made at the first step of a run that made a DataCell. */
  private races: RaceDetector | null | undefined = undefined;
  /** The op the step being taken performed (null: a poll start, a plain poll, a delivery). */
  private performedOp: StepOp | null = null;
  /** Who takes the step being taken (race reports name it). */
  private stepper: Option = REACTOR;
  /** Rule 6: the task that just yielded, or the runner that just performed a spin-loop hint, until another thread steps. */
  private yielded: Task | null = null;
  private spun: Runner | null = null;
  // Scratch lists, reused every step.
  private readonly enabled: number[] = [];
  private readonly options: Option[] = [];
  private readonly waitedSince: number[] = [];
  private readonly waiting: ThreadEvent[] = [];

  constructor(
    private readonly loop: ThreadLoop,
    private readonly parts: ThreadParts,
    readonly workers: number,
    /** Rule 4: the executor is the permissive one (scheduler effects are per task). */
    private readonly perTask: boolean,
  ) {
    this.slots = new Array<InFlight | null>(workers).fill(null);
  }

  /** Non-daemon threads not finished (the run completes only without them). */
  get unfinishedThreads(): number {
    return this.liveNonDaemon;
  }

  /** A step woke or spawned task `t` (rule 4). */
  taskTouched(t: Task, kind: "wake" | "write"): void {
    this.touched.push(this.perTask ? { object: `task:${t.id}`, kind } : SCHED_WAKE);
  }

  private numberOf(t: Task): number {
    let no = this.taskNo.get(t.id);
    if (no === undefined) {
      no = this.nextNo++;
      this.taskNo.set(t.id, no);
      this.lastStep[no] = -1;
    }
    return no;
  }

  /** `sim.thread`: a new thread, runnable at once; its body runs to its first op now. */
  spawnThread(body: ThreadBody, name: string | undefined, daemon: boolean): SimThread {
    const no = this.nextNo++;
    const handle = new SimThread(no, name ?? `thread${this.threads.length + 1}`, daemon);
    const r: ThreadRunner = { no, name: handle.name, handle, body: null, op: null, alarm: null, firstAlso: null, done: false };
    this.threads.push(r);
    this.lastStep[no] = this.loop.steps;
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
      this.advance(r, null);
    } finally {
      this.loop.currentTask = prev;
    }
    return handle;
  }

  /** One step (rules 1–2). False when nothing can happen any more. */
  tick(): boolean {
    const { enabled, options, waitedSince, waiting } = this;
    enabled.length = 0;
    options.length = 0;
    waitedSince.length = 0;
    waiting.length = 0;
    if (this.parts.reactor.hasDue()) this.offer(REACTOR, REACTOR);
    for (const f of this.slots) if (f !== null && f !== this.spun) this.consider(f);
    if (this.inFlight < this.workers) {
      for (const id of this.parts.executor.candidates()) {
        const t = this.loop.task(id);
        if (t !== this.yielded) this.offer(this.numberOf(t), t);
      }
    }
    for (const r of this.threads) if (!r.done && r !== this.spun) this.consider(r);
    if (enabled.length === 0 && ((this.yielded !== null && this.yielded.state === TaskState.Scheduled) || this.spun !== null)) {
      // Rule 6 holds back only while another thread can step.
      this.yielded = null;
      this.spun = null;
      return this.tick();
    }
    if (enabled.length === 0) {
      if (this.loop.advanceClock()) return true;
      if (waiting.length > 0) this.parts.log.chooseThread(enabled, null, waiting, waitedSince); // a deadlock: the explorer hears of it
      return false;
    }
    this.order();
    const prev = this.last !== null && enabled[0] === this.last ? this.last : null;
    const i = this.parts.log.chooseThread(enabled, prev, waiting, waitedSince);
    if (i < 0) {
      this.loop.abandon();
      return true;
    }
    const no = enabled[i]!;
    const chosen = options[i]!;
    this.last = no;
    this.lastStep[no] = this.loop.steps;
    this.yielded = null;
    this.spun = null;
    this.touched.length = 0;
    this.made.length = 0;
    this.performedOp = null;
    this.stepper = chosen;
    // What the step touched (rule 4): a constant, or (resuming a runner) the op it performed.
    let main: Access | null;
    let firstAlso: Access | null = null;
    if (chosen === REACTOR) {
      this.loop.deliverDue();
      main = WORLD;
    } else if ("state" in chosen) main = this.start(chosen);
    else {
      this.performedOp = chosen.op!;
      firstAlso = chosen.firstAlso;
      chosen.firstAlso = null;
      this.advance(chosen, "task" in chosen ? (chosen as InFlight) : null);
      if (this.performedOp.yields === true && chosen.body !== null) this.spun = chosen;
      main = null;
    }
    // Described only for whoever reads it (an explorer, the race detector): random and PCT runs
    // of scenarios without DataCells build nothing here.
    const races = (this.races ??= dataCellsExist() ? new RaceDetector() : null);
    const log = this.parts.log;
    const explorer = log.explorerPicked;
    if (explorer || races !== null) {
      const full = this.describe(main ?? this.performedAccess(firstAlso));
      if (explorer) log.chooser.threadStepped?.(full);
      if (races !== null) this.checkRaces(no, full, firstAlso);
    }
    this.loop.threadStepped();
    return true;
  }

  private offer(no: number, o: Option): void {
    this.enabled.push(no);
    this.options.push(o);
    this.waitedSince.push(this.lastStep[no] ?? -1);
  }

  /** Rule 1: the previous thread first, then by number. */
  private order(): void {
    const { enabled, options, waitedSince } = this;
    const key = (i: number) => (enabled[i] === this.last ? -1 : enabled[i]!);
    const by = enabled.map((_, i) => i).sort((a, b) => key(a) - key(b));
    const [e, o, w] = [by.map((i) => enabled[i]!), by.map((i) => options[i]!), by.map((i) => waitedSince[i]!)];
    for (let i = 0; i < by.length; i++) [enabled[i], options[i], waitedSince[i]] = [e[i]!, o[i]!, w[i]!];
  }

  /** race-detector.ts: the step of thread `no` that touched `a` (and `a.also`). */
  private checkRaces(no: number, a: Access, created: Access | null): void {
    const races = this.races!;
    races.tick(no);
    // A thread's creation happens before its first step's access (std::thread::spawn(move || …)
    // hands data over): joined first. The rest of what the step touched (a wake after a write)
    // publishes after the access, so it is joined after the check.
    if (created !== null) races.step(no, [created], false);
    const nonAtomic = this.performedOp?.nonAtomic === true;
    if (nonAtomic) {
      const who = this.stepper;
      const name = who === REACTOR ? "the reactor" : "task" in who ? `${(who as InFlight).task.name} (on worker ${(who as InFlight).worker})` : who.name;
      const v = races.access(no, name, a, this.loop.steps, this.loop.now);
      if (v !== null) this.loop.report(v);
    }
    races.step(no, a.also === undefined ? [a] : [a, ...a.also], nonAtomic);
  }

  /** Lists a runner as enabled or waiting. */
  private consider(r: Runner): void {
    const o = r.op;
    if (o === null) return;
    if (o.ready === undefined || o.ready()) this.offer(r.no, r);
    else {
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
    if (main.object !== WORLD_OBJECT) for (const a of this.touched) also.push(a);
    for (const m of this.made) also.push(m);
    if (main.also !== undefined) also.push(...main.also);
    return also.length === 0 ? main : { object: main.object, kind: main.kind, also };
  }

  /** A task starts a poll on the lowest free worker (rule 1). */
  private start(t: Task): Access {
    this.loop.takeTask(t);
    const worker = this.slots.indexOf(null);
    if (!isSteppedFuture(t.future)) {
      this.loop.pollTask(t);
      this.noteYield(t);
      return WORLD;
    }
    const waker = this.loop.beginPoll(t);
    const f: InFlight = { no: this.numberOf(t), name: t.name, task: t, waker, worker, body: null, op: null, alarm: null, firstAlso: null };
    this.slots[worker] = f;
    this.inFlight++;
    f.body = (t.future as SteppedFuture<unknown>).pollSteps(new Context(waker, this.parts.runtime));
    if (this.parts.tracer.on) this.parts.tracer.noteIn(t.name, `on worker ${worker}`);
    const started: Access = this.perTask ? { object: `task:${t.id}`, kind: "rmw", also: [{ object: "workers", kind: this.inFlight === this.workers ? "rmw" : "read" }] } : SCHED_RMW;
    this.advance(f, f);
    return started;
  }

  /** The op a resumed runner performed, as it happened (step-op.ts rule 4), with its creation's read. */
  private performedAccess(firstAlso: Access | null): Access {
    const a = accessOf(this.performedOp!);
    return firstAlso === null ? a : { object: a.object, kind: a.kind, also: [firstAlso] };
  }

  /** Resumes `r`'s body (`f`: it is a task's poll): performs its pending op and runs to its next op or its end. */
  private advance(r: Runner, f: InFlight | null): void {
    if (r.alarm !== null) {
      this.parts.reactor.cancel(r.alarm);
      r.alarm = null;
    }
    const task = f?.task ?? null;
    const prev = this.loop.currentTask;
    this.loop.currentTask = task;
    this.loop.currentThread = task === null ? r.name : null;
    if (this.parts.tracer.on && r.op !== null) this.parts.tracer.noteIn(r.name, r.op.label);
    let next: IteratorResult<StepOp, unknown>;
    try {
      next = r.body!.next(r);
      if (next.done !== true && !isStepOp(next.value)) {
        throw new TypeError(`${task === null ? `thread '${r.name}'` : `the pollSteps of task '${task.name}'`} yielded ${String(next.value)}: yield* an operation (cell.load(), mutex.lock(), point("…")), not a value`);
      }
    } catch (e) {
      this.loop.currentTask = prev;
      this.loop.currentThread = null;
      r.body = null;
      r.op = null;
      if (f !== null) this.endPoll(f, "panicked", undefined, e);
      else this.threadEnded(r as ThreadRunner, e);
      return;
    }
    this.loop.currentTask = prev;
    this.loop.currentThread = null;
    if (next.done === true) {
      r.body = null;
      r.op = null;
      if (f !== null) {
        const p = next.value as Poll<unknown>;
        this.endPoll(f, p.ready ? "ready" : "pending", p.ready ? p.value : undefined, undefined);
      } else this.threadEnded(r as ThreadRunner, undefined);
      return;
    }
    r.op = next.value;
  }

  private endPoll(f: InFlight, result: "ready" | "pending" | "panicked", value: unknown, thrown: unknown): void {
    // The poll's return moves the task's state, and frees a worker (rule 4).
    if (this.perTask) {
      this.touched.push({ object: `task:${f.task.id}`, kind: "rmw" }, { object: "workers", kind: this.inFlight === this.workers ? "rmw" : "read" });
    } else this.touched.push(SCHED_WAKE);
    this.slots[f.worker] = null;
    this.inFlight--;
    this.loop.endPoll(f.task, f.waker, result, value, thrown);
    this.noteYield(f.task);
  }

  /** Rule 6: after a poll of `t` ended, whether it yielded (is queued again at once). */
  private noteYield(t: Task): void {
    if (t.state === TaskState.Scheduled) this.yielded = t;
  }

  private threadEnded(r: ThreadRunner, thrown: unknown): void {
    r.done = true;
    if (!r.handle.daemon) this.liveNonDaemon--;
    if (thrown !== undefined) {
      this.loop.report(panicViolation(r.name, thrown, `thread '${r.name}' threw at step ${this.loop.steps}`, this.loop.steps, this.loop.now, false, true));
    }
  }

  /** The non-daemon threads not finished (a step-limit report names them). */
  unfinishedThreadNames(): string[] {
    return this.threads.filter((r) => !r.done && !r.handle.daemon).map((r) => r.name);
  }

  /** At quiescence: the non-daemon threads that never finished, and what each waits for. */
  blockedThreads(): { name: string; waitsFor: string }[] {
    const out: { name: string; waitsFor: string }[] = [];
    for (const f of this.slots) if (f !== null && f.op !== null) out.push({ name: `worker ${f.worker} (polling ${f.task.name})`, waitsFor: f.op.waitsFor ?? f.op.label });
    for (const r of this.threads) {
      if (!r.done && !r.handle.daemon && r.op !== null) out.push({ name: r.name, waitsFor: r.op.waitsFor ?? r.op.label });
    }
    return out;
  }
}
