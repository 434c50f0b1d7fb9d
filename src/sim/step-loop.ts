/**
 * Over 400 lines because a poll, a cancel, a panic and a run's end all change the same private state of the run (its drivers and parts live beside it).
 *
 * StepLoop: one simulation's run — it builds the parts (tracer, choice log, task table, wake
 * hook, injected faults, runtime, reactor, fake I/O, executor, watch) and applies the step rule
 * (written out in sim.ts's header, the user's view of it; carried out by `tick`) until the run ends. It owns the run's position (steps, polls, the task being polled),
 * the tasks' lifecycle (spawn, poll, finish, panic, cancel) and the violations reported so far;
 * it is what the watch (Watched), the escape traps (EscapeSink) and join handles (TaskAborter)
 * see of the simulation. What each oracle *means* lives in src/oracles/; here is only when to ask.
 * A run with preemptible polls or simulated threads steps through ThreadSteps (threads.ts) from
 * its first such future or thread on; the poll is then split in halves (`beginPoll`/`endPoll`)
 * around the steps of its body, and everything else here is as in any run.
 *
 * Invariants:
 *  1. `currentTask` is the task being polled or dropped (in a run with threads: the task whose
 *     step runs), else null; wakes and reports made meanwhile are attributed to it, including
 *     those caused by its finishing.
 *  2. The executor holds exactly the Scheduled tasks; a task is polled only when it hands it out.
 *  3. `steps` counts polls, deliveries and injected cancellations, and in a run with threads
 *     each thread step (clock jumps are not steps).
 */
import seedrandom from "seedrandom";
import type { Chooser } from "../chooser/chooser.js";
import { SeededChooser } from "../chooser/seeded.js";
import { VirtualClock } from "../clock/virtual-clock.js";
import { createExecutor } from "../executors/create.js";
import type { Executor } from "../executors/executor.js";
import { Context } from "../future/context.js";
import { SimIo } from "../io/sim-io.js";
import { describeThrown, escapeViolation, leakViolation, panicViolation, stepLimitViolation } from "../oracles/contract.js";
import { installEscapeTraps, type EscapeSink } from "../oracles/escape-traps.js";
import { FairSuffix } from "../oracles/fair-suffix.js";
import { ContractError } from "../future/contract.js";
import { pendingWithoutWakerViolation, quiescenceViolation } from "../oracles/lost-wakeup.js";
import { PollBudgetError } from "../oracles/poll-budget.js";
import type { TaskMarks } from "../oracles/task-marks.js";
import { Watch, type Watched } from "../oracles/watch.js";
import type { Reactor } from "../reactor/reactor.js";
import { JoinHandle, type TaskAborter } from "../task/join-handle.js";
import type { TaskBody } from "../task/task-body.js";
import { TaskState, transitionToDone, transitionToIdle, transitionToRunning, transitionToScheduled } from "../task/task-state.js";
import type { JoinOutcome, Task } from "../task/task.js";
import { Waker, WakerMisuseError } from "../waker/waker.js";
import { ChoiceLog } from "./choice-log.js";
import type { SimSettings } from "./config.js";
import { InjectedFaults } from "./faults.js";
import type { TaskId } from "../core/ids.js";
import { RunOutcome, type Outcome, type RunStatus } from "./outcome.js";
import { SimRuntime } from "./sim-runtime.js";
import { TaskTable } from "./task-table.js";
import { Tracer, type RunPosition } from "./tracer.js";
import type { Violation } from "../oracles/violation.js";
import { SimWakeHook, type ViolationSink } from "./wake-hook.js";
import { AsyncTask } from "../promise/async-task.js";
import { AsyncTasksError } from "../core/errors.js";
import { VirtualHost } from "../promise/host.js";
import { realIoSnapshot, realIoStarted } from "../promise/real-io.js";
import { ThreadSteps, type ThreadLoop } from "./threads.js";
import { blockedThreadViolation } from "../oracles/blocked-thread.js";
import { workersOf } from "./config.js";
import { isSteppedFuture } from "../threads/step-future.js";
import { resetObjectIds } from "../threads/step-op.js";
import { resetDataCells } from "../threads/data-cell.js";
import type { SimThread, ThreadBody } from "../threads/thread-handle.js";

const NO_VIOLATIONS: readonly Violation[] = Object.freeze([]);

/** An executor must only hand out scheduled tasks, once each. */
function checkHandedOut(t: Task | undefined, executor: string, id: number = t?.id ?? -1): asserts t is Task {
  if (t === undefined || t.state !== TaskState.Scheduled) {
    throw new Error(`executor '${executor}' handed out task ${id}, which is not runnable (${t === undefined ? "unknown id" : t.name}); an executor must only offer scheduled tasks, once each`);
  }
}

export class StepLoop implements RunPosition, Watched, EscapeSink, TaskAborter, ViolationSink, ThreadLoop {
  steps = 0;
  polls = 0;
  currentTask: Task | null = null;
  /** The simulated thread whose step runs (threads.ts), or null. */
  currentThread: string | null = null;
  private readonly tasks = new TaskTable();
  readonly tracer: Tracer;
  private readonly log: ChoiceLog;
  readonly watch: Watch;
  private readonly runtime: SimRuntime;
  private readonly reactor: Reactor;
  readonly io: SimIo;
  private readonly clock = new VirtualClock();
  private readonly executor: Executor;
  private readonly faults: InjectedFaults;
  private readonly hook: SimWakeHook;
  /** The watch's fair suffix, read on every choice (a liveness suspicion switches the run to it). */
  private readonly suffix: FairSuffix;
  private readonly marks: readonly TaskMarks[];
  private readonly violations: Violation[] = [];
  // Hot-path copies of options read on every poll.
  private readonly watching: boolean;
  private readonly pendingWithoutWaker: boolean;
  private readonly pollCostTicks: number;
  /** The task polled last (strategies count a switch away from it as a preemption). */
  private lastPolled: TaskId | null = null;
  /** On whose behalf the last step ran: the task it polled, or the origin of the event it delivered (host.ts rule 6). */
  private stepOrigin: TaskId | null = null;
  private stopRequested = false;
  private escapeRng: (() => number) | null = null;
  private escapesSeen: Set<string> | null = null;
  /** The host's timers while `runAsync` runs (EscapeSink); null otherwise. */
  host: VirtualHost | null = null;
  private timerHost: VirtualHost | null = null;
  /** Async tasks spawned (a run that has one needs `runAsync`). */
  private asyncTasks = 0;
  private runningSync = false;
  /** @internal Real I/O pending when a run with async tasks began (promise/real-io.ts); `ioAtEnd`: more was pending when it went quiet. */
  ioBefore: ReadonlyMap<string, number> | null = null;
  ioAtEnd = false;
  /** The last step delivered an event (fair-suffix.ts 3b, runs with async tasks). */
  private deliveredLast = false;
  private runningAsync = false;
  /** The step rule of a run with threads (threads.ts), from its first preemptible future or thread on. */
  private threads: ThreadSteps | null = null;
  /** Set by threadStepped: the step count at which a thread step was taken (clock jumps take none). */
  private threadStepTaken = -1;
  /** The thread explorer stopped the run as redundant (status "pruned", clean). */
  private pruned = false;

  constructor(readonly options: SimSettings) {
    const o = options;
    resetObjectIds();
    resetDataCells();
    const chooser = o.chooser ?? new SeededChooser(o.seed, { faultProbability: o.faultProbability });
    this.tracer = new Tracer(o.trace, this);
    this.watch = new Watch(this, o.oracles, chooser.fair !== false);
    this.suffix = this.watch.suffix;
    this.marks = this.watch.marks;
    this.log = new ChoiceLog(chooser, o.faults, this.suffix, this, this.tracer);
    this.executor = createExecutor(o.executor);
    this.executor.attach?.({ choose: (n, kind) => this.log.decide(n, kind) });
    this.faults = new InjectedFaults(o, this.log, this.tasks, this.marks, this.executor, this.tracer, this);
    this.watching = o.oracles.enabled;
    this.hook = new SimWakeHook(this, this.executor, this.marks, this.faults, this.tracer, this, o.oracles.pollBudget, this.watching);
    this.runtime = new SimRuntime(this.clock, o.maxLatencyTicks, this, this.log, this.hook, this.watch, this.tracer, this);
    this.reactor = this.runtime.reactor;
    this.io = new SimIo(this.runtime);
    this.pendingWithoutWaker = o.oracles.pendingWithoutWaker;
    this.pollCostTicks = o.pollCostTicks;
  }

  // ---- Watched / EscapeSink (and what the watchdog reads of a hung run) ---------------------

  get now(): number {
    return this.clock.now;
  }

  get taskList(): readonly Task[] {
    return this.tasks.list;
  }

  /** The chooser and its answers so far: explore/watchdog.ts reads them from a hung run's sink. */
  get chooser(): Chooser {
    return this.log.chooser;
  }

  get choices(): readonly number[] {
    return this.log.list;
  }

  get eventDue(): boolean {
    return this.reactor.hasDue();
  }

  get pendingEvents(): number {
    return this.reactor.pendingEvents;
  }

  parkedWhileReady(): readonly { resource: string; task: Task | undefined }[] {
    return this.io.parkedWaiters().map((p) => ({ resource: p.resource, task: p.task === null ? undefined : this.tasks.list[p.task] }));
  }

  note(text: string): void {
    this.tracer.note(text);
  }

  report(v: Violation): void {
    this.violations.push(v);
    this.tracer.violation(v);
    if (v.kind !== "panic" && this.options.stopOnViolation) this.stopRequested = true;
  }

  escapeCalled(api: string, callSite: string | null): void {
    if (!this.options.oracles.escapes) return; // a run with async tasks has the traps regardless
    this.escapesSeen ??= new Set();
    if (this.escapesSeen.has(api)) return;
    this.escapesSeen.add(api);
    this.report(escapeViolation(api, callSite, this.currentTask?.name ?? null, this.steps, this.clock.now));
  }

  escapeRandom(): number {
    this.escapeRng ??= seedrandom.alea(`escape:${String(this.options.seed)}`);
    return this.escapeRng();
  }

  // ---- Tasks -------------------------------------------------------------------------------

  /** A new task, runnable at once. */
  spawn<T>(body: TaskBody<T>, name: string | undefined, daemon: boolean, cancellable: boolean): JoinHandle<T> {
    if (body instanceof AsyncTask) {
      if (this.runningSync) throw new AsyncTasksError(undefined, this.currentTask === null ? null : { task: this.currentTask.name, step: this.steps });
      this.asyncTasks++;
      // Timer ties are the chooser's in a run with async tasks (host.ts rule 2) — decided by the
      // scenario, not by the driver, so a token replays the same under runAsync and run.
      this.reactor.exploreTies = true;
    }
    if (this.threads === null && isSteppedFuture(body)) this.startThreads();
    const t = this.tasks.add(body, name, daemon, cancellable, this.hook);
    this.threads?.taskTouched(t, "write");
    const by = this.currentTask;
    this.tracer.taskSpawned(t.name, by);
    transitionToScheduled(t);
    this.watch.taskSpawned(this.steps);
    this.executor.schedule(t.id, "spawn", by === null ? null : by.id);
    return new JoinHandle<T>(t, this);
  }

  /** `sim.thread`: a simulated thread (threads.ts). */
  thread(body: ThreadBody, name: string | undefined, daemon: boolean): SimThread {
    return (this.threads ?? this.startThreads()).spawnThread(body, name, daemon);
  }

  private startThreads(): ThreadSteps {
    const parts = { reactor: this.reactor, executor: this.executor, log: this.log, tracer: this.tracer, runtime: this.runtime };
    const ts = new ThreadSteps(this, parts, workersOf(this.options), this.executor.name === "permissive");
    this.threads = ts;
    this.hook.onWake = (t) => ts.taskTouched(t, "wake");
    return ts;
  }

  /** Cancels a task: drops its future (releasing what it registered) and marks it cancelled. */
  abortTask(t: Task): void {
    if (t.outcome !== null) return;
    if (t.state === TaskState.Running || t.state === TaskState.Notified) {
      t.abortRequested = true; // honoured when its poll returns
      return;
    }
    this.cancel(t);
  }

  /**
   * Drops a task's future and marks it cancelled, then checks that the drop released every
   * waker and registration the future held (the cancellation-safety oracle).
   */
  private cancel(t: Task): void {
    if (t.state === TaskState.Scheduled) this.executor.remove(t.id);
    // Done before the drop: a drop that wakes the task itself (a guard notifying its own
    // waiter) must not hand a finished task back to the executor.
    transitionToDone(t);
    this.tracer.noteOn(t, "cancelled: future dropped");
    // The drop runs in the dropped task's context, as tokio runs an aborted task's drop when its
    // worker next picks it up: wakes and bookkeeping during the drop are that task's.
    const prev = this.currentTask;
    this.currentTask = t;
    try {
      this.dropFuture(t);
      this.finish(t, { kind: "cancelled" });
    } finally {
      this.currentTask = prev;
    }
    if (!this.watching) return;
    const heldBy = [...this.reactor.holdersOf(t.id), ...this.io.holdersOf(t.id)];
    if (t.wakersHeld > 0 || heldBy.length > 0) this.report(leakViolation(t, heldBy, this.steps, this.clock.now));
  }

  // ---- The step rule -----------------------------------------------------------------------

  /** Steps until every non-daemon task finished, the world is quiescent, a violation, or `maxSteps`. */
  run(maxSteps: number): Outcome {
    if (this.asyncTasks > 0) throw new AsyncTasksError();
    const restore = this.options.oracles.escapes ? installEscapeTraps(this) : null;
    // "Did not finish" is a liveness verdict too: the second half of the budget confirms it (watch.ts rule 7).
    const confirmAt = maxSteps >>> 1;
    let status: RunStatus | null;
    this.runningSync = true;
    try {
      do status = this.step(maxSteps, confirmAt);
      while (status === null);
      this.atEnd(status);
    } finally {
      this.runningSync = false;
      restore?.();
    }
    return this.outcome(status);
  }

  /**
   * @internal For sim/async-run.ts: a run with async tasks starts — the host's timers are this
   * run's, timer ties are choices, the traps are in (always: they are how the host's timers reach
   * this run, escape-traps.ts rule 4). Returns what ends it.
   */
  enterAsync(): () => void {
    this.timerHost ??= new VirtualHost(
      this.reactor,
      (e, where) => this.report(panicViolation(`(${where})`, e, `the callback of ${where} threw at step ${this.steps}`, this.steps, this.clock.now)),
      () => this.stepOrigin,
    );
    this.host = this.timerHost;
    this.ioBefore = realIoSnapshot();
    const restore = installEscapeTraps(this);
    this.runningAsync = true;
    return () => {
      this.runningAsync = false;
      this.host = null;
      restore();
    };
  }

  /** @internal The monitors' verdicts at the end of a run that completed or went quiescent. */
  atEnd(status: RunStatus): void {
    if (status === "completed" || status === "quiescent") this.watch.monitors.atEnd();
  }

  /** @internal One step of a run, or the status that ends it. */
  step(maxSteps: number, confirmAt: number): RunStatus | null {
    if (this.stopRequested) return this.pruned ? "pruned" : "stopped";
    // With async tasks, as Node exits: once no referenced timer of the host is left either.
    if (this.tasks.unfinished === 0 && (!this.runningAsync || this.timerHost!.referencedTimers === 0) && (this.threads === null || this.threads.unfinishedThreads === 0)) return "completed";
    if (this.steps >= maxSteps) {
      this.report(this.watch.stepLimit(stepLimitViolation(this.tasks.list, this.marks, maxSteps, this.steps, this.clock.now, this.threads?.unfinishedThreadNames())));
      return "step-limit";
    }
    if (this.steps === confirmAt && this.watching) this.watch.halfwayToStepLimit();
    if (this.tick()) return null;
    // Quiet while a task awaits real I/O the run started: an escape, not a lost wakeup (real-io.ts).
    const io = this.runningAsync && this.tasks.unfinished > 0 ? realIoStarted(this.ioBefore!) : [];
    this.ioAtEnd = io.length > 0;
    if (io.length === 0) this.reportStuck();
    else if (this.options.oracles.escapes) this.report(escapeViolation(`real I/O: ${io.join(", ")}`, null, this.tasks.list.find((t) => t.outcome === null)?.name ?? null, this.steps, this.clock.now));
    return "quiescent";
  }

  /** Does one unit of work (step rules 1–3). Returns false when nothing can happen any more. */
  tick(): boolean {
    if (this.faults.spuriousWakes) this.faults.maybeSpuriousWake();
    const victim = this.faults.pickCancel();
    if (victim !== null) {
      this.cancel(victim);
      return this.stepDone(); // a step: the loop must see that the cancelled task may have been the last one
    }
    if (this.threads !== null) {
      const before = this.steps;
      if (!this.threads.tick()) return false;
      // A clock jump, and a run the explorer stopped, took no step.
      return this.threadStepTaken === before ? this.stepDone() : true;
    }
    const cands = this.executor.candidates();
    const n = cands.length;
    // Under the fair suffix a due event goes first without asking — in a run with async tasks,
    // not twice in a row while a task is runnable (fair-suffix.ts 3b).
    if (this.reactor.hasDue() && (n === 0 || (this.suffix.active ? !(this.runningAsync && this.deliveredLast) : this.deliverFirst()))) {
      this.deliveredLast = true;
      this.deliverDue();
    } else if (n > 0) {
      this.deliveredLast = false;
      this.pollTask(this.take(cands));
    } else return this.advanceClock();
    return this.stepDone();
  }

  /** @internal Delivers the first due event (threads.ts: the reactor's step). */
  deliverDue(): void {
    const e = this.reactor.takeDue()!;
    this.stepOrigin = e.origin;
    this.tracer.eventDelivered(e);
    e.fire();
    this.watch.delivered();
  }

  /** The executor's candidate chosen by the chooser, checked. */
  private take(cands: readonly TaskId[]): Task {
    const id = this.executor.take(this.log.chooseTask(cands, this.marks, this.lastPolled));
    const t = this.tasks.list[id];
    checkHandedOut(t, this.executor.name, id);
    // A task polled after a long wait: the stretch behind it was possibly unfair (fair-suffix.ts).
    if (this.steps - this.marks[id]!.runnableSinceStep > FairSuffix.fairWaitSteps(this.tasks.list.length)) this.suffix.unfairStep = this.steps;
    return t;
  }

  // ---- ThreadLoop (threads.ts) ---------------------------------------------------------------


  takeTask(t: Task): void {
    const cands = this.executor.candidates();
    const i = cands.indexOf(t.id);
    if (i < 0) throw new Error(`internal: task '${t.name}' started a poll but the executor does not offer it`);
    const id = this.executor.take(i);
    checkHandedOut(id === t.id ? t : this.tasks.list[id], this.executor.name, id);
    if (id !== t.id) throw new Error(`executor '${this.executor.name}' handed out task ${id} when asked for its candidate ${i} (task '${t.name}'): take(i) must return candidates()[i]`);
    if (this.steps - this.marks[t.id]!.runnableSinceStep > FairSuffix.fairWaitSteps(this.tasks.list.length)) this.suffix.unfairStep = this.steps;
  }

  task(id: TaskId): Task {
    return this.tasks.list[id]!;
  }

  advanceClock(): boolean {
    const from = this.clock.now;
    if (!this.reactor.advanceToNext()) return false;
    this.tracer.clockAdvanced(from);
    return true;
  }

  threadStepped(): void {
    this.threadStepTaken = this.steps;
  }

  abandon(): void {
    this.stopRequested = true;
    this.pruned = true;
  }

  /** The chooser's "deliver" decision; keeping a due event waiting makes the stretch possibly unfair. */
  private deliverFirst(): boolean {
    if (this.log.decide(2, "deliver") === 0) return true;
    this.suffix.unfairStep = this.steps;
    return false;
  }

  /** Counts a step and runs the per-step oracles. */
  private stepDone(): true {
    this.steps++;
    if (this.watching) this.watch.afterStep();
    else if (this.watch.monitors.active) this.watch.monitors.check();
    return true;
  }

  /** Polls `t` once through its body (task-body.ts) and applies the answer. */
  pollTask(t: Task): void {
    const waker = this.beginPoll(t);
    const cx = new Context(waker, this.runtime);
    let result: "ready" | "pending" | "panicked" = "pending";
    let value: unknown;
    let thrown: unknown;
    try {
      const p = t.future!.poll(cx);
      if (p.ready) {
        result = "ready";
        value = p.value;
      }
    } catch (e) {
      if (e instanceof AsyncTasksError) throw e; // not the task's panic: the run must be made again, async
      result = "panicked";
      thrown = e;
    }
    this.endPoll(t, waker, result, value, thrown);
  }

  /** @internal The first half of a poll (threads.ts polls step by step between the halves). */
  beginPoll(t: Task): Waker {
    transitionToRunning(t);
    const gen = ++t.generation;
    const m = this.marks[t.id]!;
    m.lastPolledStep = this.steps;
    m.clonedThisPoll = false;
    this.hook.pollStarting();
    if (this.watching) this.watch.pollStarting(t);
    const waker = new Waker(t, gen, true, 0);
    this.tracer.taskPolled(t, gen);
    this.currentTask = t;
    this.lastPolled = t.id;
    this.stepOrigin = t.id;
    return waker;
  }

  /** @internal The second half: the answer of the poll `beginPoll` began. */
  endPoll(t: Task, waker: Waker, result: "ready" | "pending" | "panicked", value: unknown, thrown: unknown): void {
    this.currentTask = t;
    const gen = waker.generation;
    const m = this.marks[t.id]!;
    waker._expire();
    this.polls++;
    this.tracer.pollReturned(t, result);
    if (result === "ready") {
      this.finish(t, { kind: "completed", value });
    } else if (result === "panicked") {
      this.panic(t, thrown);
    } else if (t.abortRequested) {
      this.cancel(t);
    } else if (transitionToIdle(t) === "notified") {
      m.runnableSinceStep = this.steps;
      this.executor.schedule(t.id, "notified", t.id);
    } else if (!m.clonedThisPoll && t.wakersHeld === 0 && this.pendingWithoutWaker && m.inertStaleWake?.taskGeneration !== gen) {
      // Held clones of older polls may still wake it (per-task wakers); where wakers are per poll
      // and one of them is woken, the stale-waker oracle judges it at quiescence ("kept the waker
      // of poll k") — the shape of a waiter that keeps its first waker, and also of one that
      // registered nothing new for a second source: the report names the waker, not the source.
      m.reportedStuck = true;
      this.report(pendingWithoutWakerViolation(t, this.steps, this.clock.now));
    }
    // Rule 1: `currentTask` stays set until here, so that wakes caused by finishing (the
    // joiner's wake, drops on panic or abort) are this task's, as a runtime runs them on its worker.
    this.currentTask = null;
    this.executor.pollDone?.(t.id);
    if (this.pollCostTicks > 0) this.reactor.elapse(this.pollCostTicks);
  }

  private finish(t: Task, outcome: JoinOutcome<unknown>): void {
    t.outcome = outcome;
    t.future = null;
    transitionToDone(t);
    this.tasks.finished(t);
    this.watch.progress();
    this.tracer.taskFinished(t, outcome.kind);
    t.joinWaiter?.wake();
    t.onFinish?.();
  }

  private panic(t: Task, e: unknown): void {
    const message = describeThrown(e);
    const rejected = t.future instanceof AsyncTask;
    this.dropFuture(t);
    this.finish(t, { kind: "panicked", error: e, message });
    // Waker misuse and an exceeded poll budget were already reported as what they are.
    if (e instanceof WakerMisuseError || e instanceof PollBudgetError || e instanceof ContractError || this.options.allowPanics) return;
    this.report(panicViolation(t.name, e, `task '${t.name}' panicked in poll ${t.generation} at step ${this.steps}`, this.steps, this.clock.now, rejected));
  }

  private dropFuture(t: Task): void {
    const f = t.future;
    t.future = null;
    if (f === null || f.drop === undefined) return;
    try {
      f.drop();
    } catch (e) {
      if (e instanceof WakerMisuseError) return;
      this.report(panicViolation(t.name, e, `dropping the future of task '${t.name}' threw`, this.steps, this.clock.now));
    }
  }

  // ---- The end of a run --------------------------------------------------------------------

  private reportStuck(): void {
    if (this.threads !== null) for (const b of this.threads.blockedThreads()) this.report(blockedThreadViolation(b.name, b.waitsFor, this.steps, this.clock.now));
    const v = quiescenceViolation(this.tasks.list, this.marks, (t) => [...this.reactor.holdersOf(t.id), ...this.io.holdersOf(t.id)], this.steps, this.clock.now);
    if (v !== null) this.report(v);
  }

  /** @internal The run's outcome (after `atEnd`). */
  outcome(status: RunStatus): Outcome {
    // The outcome shares the choice list; a later run() copies it before appending (choice-log.ts rule 3).
    return new RunOutcome(
      (status === "completed" || status === "pruned") && this.violations.length === 0,
      status,
      this.violations.length === 0 ? NO_VIOLATIONS : this.violations.slice(),
      this.steps,
      this.polls,
      this.clock.now,
      this.log.chooser.name,
      this.log.share(),
      this.tracer.snapshot(),
      this.options,
      this.tasks.list,
      this.asyncTasks > 0,
    );
  }
}
