/**
 * Sim: ties the model together — tasks and wakers, the executor's queueing policy, the reactor
 * and its virtual clock, fake I/O, the oracles, and the one chooser every nondeterministic
 * choice goes to. No module-level state: any number of sims run side by side in one process.
 *
 * One step is one poll or one event delivery (clock jumps are not steps). Step rule:
 *  1. If an event is due and a task is runnable, the chooser decides which goes first
 *     (0 = deliver the event: the plain, in-order option). With nothing runnable, deliver.
 *  2. Otherwise poll one of the executor's candidates, chosen by the chooser (0 = its own pick).
 *  3. With nothing runnable and nothing due, jump the clock to the next event (auto-advance).
 *  4. With nothing at all left, the world is quiescent: tasks still pending are stuck.
 *  5. Once a liveness oracle asked for a fair suffix (oracles/fair-suffix.ts), rules 1–2 follow
 *     its fair policy instead of the chooser, to the end of the run.
 * A run stops at the first violation (unless `stopOnViolation: false`), except a task panic,
 * after which the run goes on: a panic is a value on the task's join handle.
 *
 * Why this file is long (~550 lines): it is the one seam where the model's parts meet — the
 * run loop, the waker hook, the runtime the futures see and the hooks the oracles watch — and
 * these share the task bookkeeping on the hot path. What each oracle *means* (detection rules,
 * messages) lives in src/oracles/; what stays here is only when to ask them.
 */
import seedrandom from "seedrandom";
import type { ChoiceKind, Chooser, FaultKind } from "../chooser/chooser.js";
import { ChooserError } from "../chooser/chooser.js";
import { SeededChooser } from "../chooser/seeded.js";
import { VirtualClock } from "../clock/virtual-clock.js";
import type { Executor } from "../executors/executor.js";
import { createExecutor } from "../executors/create.js";
import { Context } from "../future/context.js";
import { isFuture, type Future } from "../future/future.js";
import { SimIo } from "../io/sim-io.js";
import type { BypassMonitor } from "../oracles/bypass.js";
import { installEscapeTraps, type EscapeSink } from "../oracles/escape-traps.js";
import { FairSuffix } from "../oracles/fair-suffix.js";
import { ContractError } from "../future/contract.js";
import { describeThrown, futureContractViolation, escapeViolation, leakViolation, panicViolation, stepLimitViolation, wakerMisuseViolation } from "../oracles/contract.js";
import { pendingWithoutWakerViolation, quiescenceViolation } from "../oracles/lost-wakeup.js";
import { PollBudgetError, pollBudgetViolation, type PollBudgetCount } from "../oracles/poll-budget.js";
import { Watch, type Watched } from "../oracles/watch.js";
import { Reactor } from "../reactor/reactor.js";
import { JoinHandle } from "../task/join-handle.js";
import { Task, type JoinOutcome } from "../task/task.js";
import { TaskState, transitionToDone, transitionToIdle, transitionToRunning, transitionToScheduled } from "../task/task-state.js";
import type { TraceEvent } from "../trace/event.js";
import { Waker, WakerMisuseError, type WakeHook, type WakerMisuse, type WakeTarget } from "../waker/waker.js";
import { CheckedOptions, resolveOptions, type ResolvedOptions, type SimOptions } from "./config.js";
import { checkInt } from "../core/checks.js";
import { OptionError } from "../core/errors.js";
import { asTaskId, type TaskId } from "../core/ids.js";
import { RunOutcome, type Outcome, type RunStatus } from "./outcome.js";
import type { Runtime } from "../future/runtime.js";
import type { FutureContractRule } from "../future/contract.js";
import type { Violation } from "../oracles/violation.js";

const NO_VIOLATIONS: readonly Violation[] = Object.freeze([]);

export interface SpawnOptions {
  /** Shown in reports and traces (default "task<N>"). */
  name?: string;
  /** A daemon task is not expected to finish: it is never reported as stuck. */
  daemon?: boolean;
  /**
   * The "cancel" fault may drop this task's future at any await point (between steps, once it
   * has been polled), as an abort or a losing select branch would; the run then checks that
   * nothing it registered leaked.
   */
  cancellable?: boolean;
}

export interface RunOptions {
  /** Overrides the Sim's `maxSteps` for this run. */
  maxSteps?: number;
}

export class Sim implements Runtime, WakeHook, Watched, EscapeSink {
  readonly options: ResolvedOptions;
  readonly reactor: Reactor;
  /** Fake I/O: `sim.io.pipe()` and friends. */
  readonly io: SimIo;
  private readonly clock = new VirtualClock();
  private readonly chooser: Chooser;
  private readonly executor: Executor;
  private readonly tasks: Task[] = [];
  private readonly names = new Set<string>();
  private choices: number[] = [];
  private choicesShared = false;
  private readonly violations: Violation[] = [];
  private readonly trace: TraceEvent[] | null;
  private readonly faults: ReadonlySet<FaultKind>;
  private readonly spuriousWakes: boolean;
  private readonly watch: Watch;
  /** The watch's fair suffix, read on every choice (a liveness suspicion switches the run to it). */
  private readonly suffix: FairSuffix;
  private readonly watching: boolean;
  // Hot-path copies of options read on every poll.
  private readonly pendingWithoutWaker: boolean;
  private readonly pollCostTicks: number;
  private readonly pollBudget: number;
  private current: Task | null = null;
  /** The task polled last (strategies count a switch away from it as a preemption). */
  private lastPolled: TaskId | null = null;
  private stopRequested = false;
  // Per-poll counters of the poll budget (poll-budget.ts), reset when a poll starts.
  private innerPolls = 0;
  private selfWakes = 0;
  private selfClones = 0;
  /** Whether this run's wakers are per poll; null until it first matters (wakersPerPoll). */
  private perPollWakers: boolean | null = null;
  private escapeRng: (() => number) | null = null;
  private escapesSeen: Set<string> | null = null;
  steps = 0;
  polls = 0;
  /** Non-daemon tasks not yet finished. */
  private unfinished = 0;
  /** Tasks spawned `cancellable` (the "cancel" fault looks for one only when there are any). */
  private cancellable = 0;

  constructor(options: SimOptions | CheckedOptions = {}) {
    const o = (this.options = options instanceof CheckedOptions ? options.resolved : resolveOptions(options));
    this.chooser = o.chooser ?? new SeededChooser(o.seed, { faultProbability: o.faultProbability });
    this.faults = o.faults;
    this.spuriousWakes = o.faults.has("spurious-wake");
    this.trace = o.trace ? [] : null;
    this.reactor = new Reactor(this.clock, this);
    this.executor = createExecutor(o.executor);
    this.executor.attach?.({ choose: (n, kind) => this.decide(n, kind) });
    this.io = new SimIo(this);
    this.watching = o.oracles.enabled;
    this.pendingWithoutWaker = o.oracles.pendingWithoutWaker;
    this.pollCostTicks = o.pollCostTicks;
    this.pollBudget = o.oracles.pollBudget;
    this.watch = new Watch(this, o.oracles, this.chooser.fair !== false);
    this.suffix = this.watch.suffix;
  }

  // ---- Runtime ---------------------------------------------------------------------------

  get now(): number {
    return this.clock.now;
  }

  get maxLatencyTicks(): number {
    return this.options.maxLatencyTicks;
  }

  get currentTaskId(): TaskId | null {
    return this.current === null ? null : this.current.id;
  }

  decide(n: number, kind: ChoiceKind): number {
    if (n < 2) return 0;
    if (kind === "select") {
      // Liveness confirmation (fair-suffix.ts): under the fair suffix a select's first branch is
      // not the chooser's (3c); before it, a chosen branch may be the unfair part of a stretch.
      if (this.suffix.active) return this.suffix.pickBranch(n);
      this.suffix.unfairStep = this.steps;
    }
    return this.record(this.chooser.choose(n, kind), n, kind);
  }

  /** Checks and records one answer of the chooser. */
  private record(i: number, n: number, kind: ChoiceKind): number {
    if ((i >>> 0) !== i || i >= n) {
      throw new ChooserError(`chooser '${this.chooser.name}' answered ${String(i)} for a ${kind} choice among ${n}; it must return an integer in [0, ${n})`);
    }
    if (this.choicesShared) {
      this.choices = this.choices.slice();
      this.choicesShared = false;
    }
    this.choices.push(i);
    if (this.trace !== null) this.trace.push({ type: "ChoiceMade", step: this.steps, kind, n, chosen: i });
    return i;
  }

  /** A "task" choice among the executor's candidates; strategies that rank tasks (PCT) see which. */
  private chooseTask(cands: readonly TaskId[]): number {
    const n = cands.length;
    // Liveness confirmation: under the fair suffix the task runnable longest goes (fair-suffix.ts 3a).
    if (n > 1 && this.suffix.active) return this.suffix.pickTask(cands, this.tasks);
    if (n < 2 || this.chooser.chooseTask === undefined) return this.decide(n, "task");
    return this.record(this.chooser.chooseTask(cands, this.lastPolled), n, "task");
  }

  decideFault(kind: FaultKind, n: number): number {
    return this.faults.has(kind) ? this.decide(n, kind) : 0;
  }

  faultEnabled(kind: FaultKind): boolean {
    return this.faults.has(kind);
  }

  note(text: string): void {
    if (this.trace !== null) this.trace.push({ type: "Note", step: this.steps, time: this.clock.now, task: this.current?.name ?? null, text });
  }

  get tracing(): boolean {
    return this.trace !== null;
  }

  futureDropped(label: string, reason: string): void {
    if (this.trace !== null) this.trace.push({ type: "FutureDropped", step: this.steps, time: this.clock.now, task: this.current?.name ?? null, future: label, reason });
  }

  /** Marks progress (for the livelock and reactor-starvation oracles): call it when your scenario gets work done. */
  progress(): void {
    this.watch.progress();
  }

  countInnerPoll(): void {
    if (++this.innerPolls <= this.pollBudget || !this.watching || this.current === null) return;
    this.pollBudgetExceeded(this.current, this.innerPolls, "inner-polls");
  }

  /** Reports an exceeded poll budget and breaks the poll off: the throw unwinds the loop, the task panics. */
  private pollBudgetExceeded(t: Task, observed: number, counted: PollBudgetCount): never {
    const budget = this.pollBudget;
    this.report(pollBudgetViolation(t, observed, budget, this.steps, this.clock.now, counted));
    throw new PollBudgetError(t.name, budget, counted);
  }

  contractBroken(rule: FutureContractRule, label: string, awaited?: string): void {
    this.report(futureContractViolation(rule, this.current?.name ?? "(outside any task)", label, this.steps, this.clock.now, awaited));
  }

  // ---- Oracle API ------------------------------------------------------------------------

  /** A predicate that must hold after every step. */
  invariant(name: string, predicate: () => boolean): void {
    this.watch.monitors.invariant(name, predicate);
  }

  /** A condition that must become true within `withinSteps` steps (and by the end of the run). */
  eventually(name: string, predicate: () => boolean, opts: { withinSteps: number }): void {
    this.watch.monitors.eventually(name, predicate, opts.withinSteps);
  }

  /** A hot/cold liveness monitor: hot for more than `maxHotSteps` steps in a row, or hot at the end, is a violation. */
  monitor(name: string, isHot: () => boolean, opts: { maxHotSteps: number }): void {
    this.watch.monitors.monitor(name, isHot, opts.maxHotSteps);
  }

  /** Bounded-bypass bookkeeping for a resource with waiters; see BypassMonitor. */
  bypassMonitor(resource: string): BypassMonitor {
    return this.watch.bypassMonitor(resource);
  }

  // ---- Watched / EscapeSink --------------------------------------------------------------

  get taskList(): readonly Task[] {
    return this.tasks;
  }

  get currentTask(): Task | null {
    return this.current;
  }

  get eventDue(): boolean {
    return this.reactor.hasDue();
  }

  get pendingEvents(): number {
    return this.reactor.pendingEvents;
  }

  parkedWhileReady(): readonly { resource: string; task: Task | undefined }[] {
    return this.io.parkedWaiters().map((p) => ({ resource: p.resource, task: p.task === null ? undefined : this.tasks[p.task] }));
  }

  report(v: Violation): void {
    this.violations.push(v);
    if (this.trace !== null) this.trace.push({ type: "ViolationReported", step: this.steps, time: this.clock.now, kind: v.kind, tasks: v.tasks.join(",") });
    if (v.kind !== "panic" && this.options.stopOnViolation) this.stopRequested = true;
  }

  escapeCalled(api: string, callSite: string | null): void {
    this.escapesSeen ??= new Set();
    if (this.escapesSeen.has(api)) return;
    this.escapesSeen.add(api);
    this.report(escapeViolation(api, callSite, this.current?.name ?? null, this.steps, this.clock.now));
  }

  escapeRandom(): number {
    this.escapeRng ??= seedrandom.alea(`escape:${String(this.options.seed)}`);
    return this.escapeRng();
  }

  // ---- Tasks -----------------------------------------------------------------------------

  /** Spawns a future as a task; it becomes runnable at once. Works before and during a run. */
  spawn<T>(future: Future<T>, opts: SpawnOptions = {}): JoinHandle<T> {
    if (!isFuture(future)) {
      throw new OptionError(
        "future",
        `sim.spawn expects a Future (an object with poll(cx)), got ${typeof future === "function" ? "a function — call it first, e.g. sim.spawn(myAsyncFn())" : String(future)}`,
      );
    }
    const id = asTaskId(this.tasks.length);
    let name = opts.name ?? `task${id}`;
    if (this.names.has(name)) name = `${name}#${id}`;
    this.names.add(name);
    const daemon = opts.daemon ?? false;
    const t = new Task<T>(id, name, future, this, daemon);
    t.cancellable = opts.cancellable === true;
    if (t.cancellable) this.cancellable++;
    this.tasks.push(t as Task);
    if (!daemon) this.unfinished++;
    const by = this.current;
    if (this.trace !== null) this.trace.push({ type: "TaskSpawned", step: this.steps, time: this.clock.now, task: name, by: by?.name ?? null });
    transitionToScheduled(t);
    t.runnableSinceStep = this.steps;
    this.executor.schedule(id, "spawn", by === null ? null : by.id);
    return new JoinHandle<T>(t, this);
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
    if (this.trace !== null) this.trace.push({ type: "Note", step: this.steps, time: this.clock.now, task: t.name, text: "cancelled: future dropped" });
    // The drop runs in the dropped task's context, as tokio runs an aborted task's drop when its
    // worker next picks it up: wakes and bookkeeping during the drop are that task's.
    const prev = this.current;
    this.current = t;
    try {
      this.dropFuture(t);
      this.finish(t, { kind: "cancelled" });
    } finally {
      this.current = prev;
    }
    if (!this.watching) return;
    const heldBy = [...this.reactor.holdersOf(t.id), ...this.io.holdersOf(t.id)];
    if (t.wakersHeld > 0 || heldBy.length > 0) this.report(leakViolation(t, heldBy, this.steps, this.clock.now));
  }

  // ---- Running ---------------------------------------------------------------------------

  /** Steps until every non-daemon task finished, the world is quiescent, a violation, or the step bound. */
  run(opts: RunOptions = {}): Outcome {
    const maxSteps = opts.maxSteps === undefined ? this.options.maxSteps : checkInt("maxSteps", opts.maxSteps, 1);
    const restore = this.options.oracles.escapes ? installEscapeTraps(this) : null;
    // "Did not finish" is a liveness verdict too: the second half of the budget confirms it (watch.ts rule 7).
    const confirmAt = maxSteps >>> 1;
    let status: RunStatus;
    try {
      for (;;) {
        if (this.stopRequested) {
          status = "stopped";
          break;
        }
        if (this.unfinished === 0) {
          status = "completed";
          break;
        }
        if (this.steps >= maxSteps) {
          status = "step-limit";
          this.report(this.watch.stepLimit(stepLimitViolation(this.tasks, maxSteps, this.steps, this.clock.now)));
          break;
        }
        if (this.steps === confirmAt && this.watching) this.watch.halfwayToStepLimit();
        if (!this.tick()) {
          status = "quiescent";
          this.reportStuck();
          break;
        }
      }
      if (status === "completed" || status === "quiescent") this.watch.monitors.atEnd();
    } finally {
      restore?.();
    }
    return this.outcome(status);
  }

  /**
   * Does one unit of work (step rules 1–3). Returns false when nothing can happen any more.
   * Exposed so tests can step a simulation one poll at a time.
   */
  tick(): boolean {
    if (this.spuriousWakes) this.maybeSpuriousWake();
    if (this.cancellable > 0 && this.faults.has("cancel") && this.maybeCancel()) return this.stepDone();
    const cands = this.executor.candidates();
    const n = cands.length;
    // Under the fair suffix a due event goes first without asking (fair-suffix.ts 3b).
    if (this.reactor.hasDue() && (n === 0 || this.suffix.active || this.deliverFirst())) {
      const e = this.reactor.takeDue()!;
      if (this.trace !== null) this.trace.push({ type: "EventDelivered", step: this.steps, time: this.clock.now, event: e.describe() });
      e.fire();
      this.watch.delivered();
    } else if (n > 0) {
      const id = this.executor.take(this.chooseTask(cands));
      const t = this.tasks[id];
      if (t === undefined || t.state !== TaskState.Scheduled) {
        throw new Error(`executor '${this.executor.name}' handed out task ${id}, which is not runnable (${t === undefined ? "unknown id" : t.name}); an executor must only offer scheduled tasks, once each`);
      }
      // A task polled after a long wait: the stretch behind it was possibly unfair (fair-suffix.ts).
      if (this.steps - t.runnableSinceStep > FairSuffix.fairWaitSteps(this.tasks.length)) this.suffix.unfairStep = this.steps;
      this.pollTask(t);
    } else {
      const from = this.clock.now;
      if (!this.reactor.advanceToNext()) return false;
      if (this.trace !== null) this.trace.push({ type: "ClockAdvanced", step: this.steps, from, to: this.clock.now });
      return true;
    }
    return this.stepDone();
  }

  /** The chooser's "deliver" decision; keeping a due event waiting makes the stretch possibly unfair. */
  private deliverFirst(): boolean {
    if (this.decide(2, "deliver") === 0) return true;
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

  private pollTask(t: Task): void {
    transitionToRunning(t);
    const gen = ++t.generation;
    t.wakesSinceLastPoll = 0;
    t.lastPolledStep = this.steps;
    t.clonedThisPoll = false;
    this.innerPolls = 0;
    this.selfWakes = 0;
    this.selfClones = 0;
    if (this.watching) this.watch.pollStarting(t);
    const waker = new Waker(t, gen, true, 0);
    const cx = new Context(waker, this);
    const trace = this.trace;
    if (trace !== null) trace.push({ type: "TaskPolled", step: this.steps, time: this.clock.now, task: t.name, generation: gen });
    this.current = t;
    this.lastPolled = t.id;
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
      result = "panicked";
      thrown = e;
    }
    waker._expire();
    this.polls++;
    if (trace !== null) trace.push({ type: "PollReturned", step: this.steps, time: this.clock.now, task: t.name, result });
    if (result === "ready") {
      this.finish(t, { kind: "completed", value });
    } else if (result === "panicked") {
      this.panic(t, thrown);
    } else if (t.abortRequested) {
      this.cancel(t);
    } else if (transitionToIdle(t) === "notified") {
      t.runnableSinceStep = this.steps;
      this.executor.schedule(t.id, "notified", t.id);
    } else if (!t.clonedThisPoll && t.wakersHeld === 0 && this.pendingWithoutWaker && t.inertStaleWake?.taskGeneration !== gen) {
      // Held clones of older polls may still wake it (per-task wakers); where wakers are per poll
      // and one of them is woken, the stale-waker oracle judges it at quiescence ("kept the waker
      // of poll k") — the shape of a waiter that keeps its first waker, and also of one that
      // registered nothing new for a second source: the report names the waker, not the source.
      t.reportedStuck = true;
      this.report(pendingWithoutWakerViolation(t, this.steps, this.clock.now));
    }
    // `current` stays set until here so that wakes caused by finishing (the joiner's wake,
    // drops on panic or abort) are attributed to this task, as a runtime would run them on its worker.
    this.current = null;
    this.executor.pollDone?.(t.id);
    if (this.pollCostTicks > 0) this.reactor.elapse(this.pollCostTicks);
  }

  private finish(t: Task, outcome: JoinOutcome<unknown>): void {
    t.outcome = outcome;
    t.future = null;
    transitionToDone(t);
    if (!t.daemon) this.unfinished--;
    this.watch.progress();
    if (this.trace !== null) this.trace.push({ type: "TaskFinished", step: this.steps, time: this.clock.now, task: t.name, outcome: outcome.kind });
    t.joinWaiter?.wake();
  }

  private panic(t: Task, e: unknown): void {
    const message = describeThrown(e);
    this.dropFuture(t);
    this.finish(t, { kind: "panicked", error: e, message });
    // Waker misuse and an exceeded poll budget were already reported as what they are.
    if (e instanceof WakerMisuseError || e instanceof PollBudgetError || e instanceof ContractError || this.options.allowPanics) return;
    this.report(panicViolation(t.name, e, `task '${t.name}' panicked in poll ${t.generation} at step ${this.steps}`, this.steps, this.clock.now));
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

  /**
   * The "cancel" fault: between two steps, drop the future of one `cancellable` task that is
   * parked at an await point or queued to run — as an abort from elsewhere, or a select whose
   * other branch won, would — even right after it was woken.
   */
  private maybeCancel(): boolean {
    const live: Task[] = [];
    for (const t of this.tasks) if (t.cancellable && t.outcome === null && t.generation > 0) live.push(t);
    if (live.length === 0 || this.decide(2, "cancel") === 0) return false;
    this.cancel(live[this.decide(live.length, "cancel")]!);
    return true; // a step: the loop must see that the cancelled task may have been the last one
  }

  private maybeSpuriousWake(): void {
    if (this.decide(2, "spurious-wake") === 0) return;
    const idle: Task[] = [];
    for (const t of this.tasks) if (t.state === TaskState.Idle) idle.push(t);
    if (idle.length === 0) return;
    const t = idle[this.decide(idle.length, "spurious-wake")]!;
    if (this.trace !== null) this.trace.push({ type: "Note", step: this.steps, time: this.clock.now, task: t.name, text: "spurious wakeup" });
    if (transitionToScheduled(t) === "schedule") {
      t.runnableSinceStep = this.steps;
      this.executor.schedule(t.id, "wake", null);
    }
  }

  // ---- WakeHook --------------------------------------------------------------------------

  wake(target: WakeTarget, waker: Waker): void {
    const t = target as Task;
    // A poll waking its own task over and over never yields (poll-budget.ts); Running/Notified:
    // during the poll itself, not the drops and wakes as it finishes.
    if (t === this.current && ++this.selfWakes > this.pollBudget && this.watching && t.state >= TaskState.Running && t.state <= TaskState.Notified) {
      this.pollBudgetExceeded(t, this.selfWakes, "self-wakes");
    }
    const stale = waker.generation < t.generation && t.outcome === null;
    const inert = stale && this.staleWake(t, waker);
    t.wakesSinceLastPoll++;
    const effect = inert ? "ignored (stale waker made inert)" : transitionToScheduled(t);
    if (effect === "schedule") {
      t.runnableSinceStep = this.steps;
      this.executor.schedule(t.id, "wake", this.current === null ? null : this.current.id);
    }
    if (this.trace !== null) {
      this.trace.push({
        type: "WakeIssued",
        step: this.steps,
        time: this.clock.now,
        task: t.name,
        by: this.current?.name ?? null,
        waker: waker.toString(),
        stale,
        effect,
      });
    }
  }

  /**
   * A wake through a waker from an older poll: inert where the run models per-poll wakers (see
   * oracles/stale-waker.ts for why and when it is reported). True: ignore the wake.
   */
  private staleWake(t: Task, waker: Waker): boolean {
    // A queued or already-notified task is polled anyway: the wake changes nothing either way.
    if (t.state !== TaskState.Idle && t.state !== TaskState.Running) return false;
    if (!this.wakersPerPoll()) return false;
    if (t.inertStaleWake === null || t.inertStaleWake.taskGeneration !== t.generation) {
      t.inertStaleWake = { wakerGeneration: waker.generation, taskGeneration: t.generation, step: this.steps, time: this.clock.now, by: this.current?.name ?? null };
    }
    return true;
  }

  /**
   * One decision per run (oracles/stale-waker.ts): "report" asks the chooser the first time it
   * matters (0 = per-task wakers, as tokio and embassy; 1 = per-poll wakers), "inert" is always
   * per poll, "off" always per task.
   */
  wakersPerPoll(): boolean {
    if (this.perPollWakers === null) {
      const mode = this.options.oracles.staleWakers;
      this.perPollWakers = mode === "inert" || (mode === "report" && this.decide(2, "stale-wake") === 1);
      if (this.perPollWakers) this.note("per-poll wakers (old ones inert)");
    }
    return this.perPollWakers;
  }

  wakerCloned(target: WakeTarget, waker: Waker): void {
    const t = target as Task;
    if (t === this.current && ++this.selfClones > this.pollBudget && this.watching && t.state >= TaskState.Running && t.state <= TaskState.Notified) {
      // Thrown before the clone is counted as held: the caller never receives it.
      this.pollBudgetExceeded(t, this.selfClones, "waker-clones");
    }
    t.wakersHeld++;
    if (waker.generation === t.generation) t.clonedThisPoll = true;
  }

  wakerReleased(target: WakeTarget, waker: Waker, woken: boolean): void {
    const t = target as Task;
    t.wakersHeld--;
    // A clone of the latest poll dropped without a wake while the task waits: remember who, so
    // a later hang is diagnosed as "dropped unwoken" (an overwritten slot, a silent close).
    if (!woken && waker.generation === t.generation && t.state === TaskState.Idle) {
      t.lastWakerDroppedBy = this.current === null ? "outside any task" : `task '${this.current.name}'`;
      t.lastWakerDroppedStep = this.steps;
    }
  }

  wakerMisused(target: WakeTarget, _waker: Waker, misuse: WakerMisuse, message: string): void {
    this.report(wakerMisuseViolation(target.name, this.current?.name ?? null, misuse, message, this.steps, this.clock.now));
  }

  // ---- Reporting -------------------------------------------------------------------------

  private reportStuck(): void {
    const v = quiescenceViolation(this.tasks, (t) => [...this.reactor.holdersOf(t.id), ...this.io.holdersOf(t.id)], this.steps, this.clock.now);
    if (v !== null) this.report(v);
  }

  private outcome(status: RunStatus): Outcome {
    // The outcome shares the choice list; a later run() of this Sim copies before appending.
    this.choicesShared = true;
    return new RunOutcome(
      status === "completed" && this.violations.length === 0,
      status,
      this.violations.length === 0 ? NO_VIOLATIONS : this.violations.slice(),
      this.steps,
      this.polls,
      this.clock.now,
      this.chooser.name,
      this.choices,
      this.trace === null ? null : this.trace.slice(),
      this.options,
      this.tasks,
    );
  }
}

