/**
 * Watch: the oracles that look at the run as it goes — starvation (fairness, reactor, livelock),
 * resource-level lost wakeups (parked while ready), bounded bypass, liveness monitors and user
 * invariants. The simulation calls it at fixed points; it reports through `report`.
 *
 * Cost rules (the fast path must stay fast):
 *  1. Per step: O(1) counters, plus the user's own checks when there are any.
 *  2. Scans over all tasks or resources run once every `scanInterval` steps, which grows with
 *     the number of tasks, so the amortised cost stays O(1) per step.
 *  3. Each oracle reports a given task (or monitor) at most once per run.
 *
 * Liveness verdicts and fair schedules (DESIGN §8): a liveness oracle — livelock, reactor
 * starvation, fairness, a monitor staying hot, an `eventually` running out of time — judges a
 * stretch of schedule, and a stretch chosen by PCT, exhaustive search or a fast-check array may
 * have starved the very task that would have ended it. So:
 *  4. A liveness suspicion resting on a stretch that was possibly unfair to a runnable task
 *     (fair-suffix.ts says when) is not reported: `confirm` switches the rest of the run to the
 *     fair suffix and re-arms every liveness oracle at that step — livelock and reactor counters
 *     restart, runnable tasks count as runnable from then, monitor temperatures drop to zero,
 *     `eventually` deadlines restart. A suspicion raised under the suffix (so resting on a fair
 *     stretch only) is reported, saying that it persisted there; if progress happens under the
 *     suffix, nothing is. A suspicion on a fair stretch (no choice was unfair) is reported at once.
 *  5. Verdicts that do not rest on a stretch are reported at once: a monitor still hot, or an
 *     `eventually` still unmet, when the run *completed* or reached *quiescence*. Fairness is a
 *     property of infinite schedules, and a run that ended with nothing runnable has polled every
 *     task that was ever runnable, so any schedule — fair or not — can end in that state. So are
 *     bypass (an overtaken waiter: the resource's own order, whatever the schedule) and the
 *     resource-level lost wakeup (parked while the resource is ready for it).
 *  6. The fairness oracle still runs only under a fair chooser: under PCT or exhaustive search a
 *     suspicion would switch nearly every run to the suffix and take away their unfairness,
 *     which is what they are for. Under a fair chooser, a suspicion is confirmed as in 4, so
 *     only an executor that never offers the task (not the chooser's picks) is reported.
 *  7. The step limit ("the run did not finish within maxSteps") is the last liveness verdict:
 *     a producer that marks its sends as progress never looks like a livelock, and PCT can
 *     starve its consumer until the budget is spent. Halfway through the budget, a run whose
 *     schedule so far was possibly unfair switches to the fair suffix, and the step-limit report
 *     says that it still did not finish under it. A run that was fair all along is not touched.
 *  8. A livelock is suspected after SUSPECT_POLLS polls without progress but judged only after
 *     `livelockPolls` (10 000 by default): a long but finite loop — a batch of a few thousand
 *     `yieldNow()` steps — is legal code. A suspicion on a possibly unfair stretch switches to
 *     the fair suffix at once (rule 4), so the verdict, if any, comes from a fair stretch.
 */
import type { OracleSettings } from "./options.js";
import type { Violation } from "./violation.js";
import { TaskState } from "../task/task-state.js";
import type { Task } from "../task/task.js";
import { BypassMonitor } from "./bypass.js";
import { FairSuffix } from "./fair-suffix.js";
import { Monitors, type Liveness } from "./monitors.js";
import { TaskMarks } from "./task-marks.js";

/** Polls without progress after which a livelock is suspected (and an unfair stretch confirmed). */
const SUSPECT_POLLS = 1000;

/** What each liveness oracle suspects, as the fair suffix's trace note and reports name it. */
const REACTOR_CAUSE = "a suspected reactor starvation";
const STEP_LIMIT_CAUSE = "that the run would not finish";
const livelockCause = (t: Task) => `a suspected livelock of task '${t.name}'`;
const fairnessCause = (t: Task) => `a suspected starvation of task '${t.name}'`;

/** What the watch may read from the simulation. */
export interface Watched {
  readonly steps: number;
  readonly polls: number;
  readonly now: number;
  readonly taskList: readonly Task[];
  /** The task being polled, or null. */
  readonly currentTask: Task | null;
  /** Live reactor events not yet delivered. */
  readonly pendingEvents: number;
  /** Whether a reactor event is due now (its deadline reached) and not yet delivered. */
  readonly eventDue: boolean;
  /** Waiters parked on a ready simulation resource: resource name and the waiting task. */
  parkedWhileReady(): readonly { resource: string; task: Task | undefined }[];
  report(v: Violation): void;
  /** Records a note in the trace (no-op unless tracing). */
  note(text: string): void;
}

export class Watch implements Liveness {
  readonly monitors: Monitors;
  /** The fair schedule a suspicion switches the run to (the simulation reads it on every choice). */
  readonly suffix = new FairSuffix();
  /** What the oracles remember per task, indexed by task id (task-marks.ts); the simulation writes it at its fixed points. */
  readonly marks: TaskMarks[] = [];
  // Created on first use: a fresh Sim per run must stay cheap to build.
  private bypass: Map<string, BypassMonitor> | null = null;
  private nextScan = 64;
  /** Progress epoch: bumped by any progress; tasks compare it to reset their counters. */
  epoch = 0;
  /** The step at which `epoch` last changed (where a livelock's stretch begins). */
  private epochStep = 0;
  /** `polls` at the last reactor delivery, or while no event was pending; and the step then. */
  private reactorMark = 0;
  private reactorMarkStep = 0;
  private reactorReported = false;
  /** Resource → step at which its waiter was first seen parked while ready. */
  private parkedSince: Map<string, number> | null = null;
  private reported: Set<string> | null = null;

  private readonly suspectPolls: number;

  constructor(
    private readonly w: Watched,
    private readonly o: OracleSettings,
    /** Whether the chooser is fair (the fairness bound only means something then). */
    private readonly fair: boolean,
  ) {
    this.suspectPolls = Math.min(SUSPECT_POLLS, o.livelockPolls);
    // The watch is the monitors' Liveness itself: no closures per Sim (a fresh one per run).
    this.monitors = new Monitors(w, this);
  }

  /** Liveness: the sentence a verdict confirmed under the fair suffix ends with. */
  confirmation(amount: number, unit: string, cause: string): string {
    return this.suffix.confirmation(amount, unit, cause);
  }

  /**
   * Rule 4: true when a liveness verdict resting on the stretch from step `from` to now may be
   * reported now — the stretch was fair, or lies under the fair suffix; otherwise starts the
   * suffix, re-arms every liveness oracle and returns false.
   */
  confirm(cause: string, from: number): boolean {
    if (this.suffix.active || !this.possiblyUnfair(from)) return true;
    const w = this.w;
    this.suffix.start(w.steps, cause);
    w.note(`fair suffix, to confirm ${cause}: from here on every runnable task is polled in turn and due events are delivered first; it is reported only if it persists`);
    // Re-arm: the livelock counters restart (each task compares the epoch on its next poll),
    // the reactor's count restarts, fairness waits count from `suffix.since`, monitors cool.
    this.epoch++;
    this.epochStep = w.steps;
    this.reactorMark = w.polls;
    this.reactorMarkStep = w.steps;
    this.monitors.rearm();
    return false;
  }

  /**
   * Whether the stretch from step `from` was possibly unfair to a runnable task (fair-suffix.ts
   * header): the simulation marked an unfair-looking choice in it, or a task still runnable has
   * waited longer than a fair schedule explains. O(tasks), once per suspicion.
   */
  private possiblyUnfair(from: number): boolean {
    if (this.suffix.unfairStep >= from) return true;
    const w = this.w;
    const limit = FairSuffix.fairWaitSteps(w.taskList.length);
    for (const t of w.taskList) if (t.state === TaskState.Scheduled && w.steps - this.marks[t.id]!.runnableSinceStep > limit) return true;
    return false;
  }

  /** A task was spawned (runnable from `step`): its marks exist from now on. */
  taskSpawned(step: number): void {
    this.marks.push(new TaskMarks(step));
  }

  /** Rule 7: the run is halfway through its step budget. */
  halfwayToStepLimit(): void {
    this.confirm(STEP_LIMIT_CAUSE, 0);
  }

  /** Rule 7: the step-limit violation, saying whether it held under the fair suffix. */
  stepLimit(v: Violation): Violation {
    const more = this.suffix.confirmation(this.w.steps - this.suffix.since, "steps", STEP_LIMIT_CAUSE);
    if (more === "") return v;
    // Right after the headline ("… (tasks still pending: a, b)"), before the diagnosis and advice.
    const at = v.message.indexOf("). ");
    return { ...v, message: at < 0 ? `${v.message}${more}` : `${v.message.slice(0, at + 1)}${more}${v.message.slice(at + 1)}` };
  }

  /** Marks progress: a task finished, an event was delivered, bytes moved, or the user said so. */
  progress(): void {
    this.epoch++;
    this.epochStep = this.w.steps;
    // Work is getting done: a pending timer is merely waiting, not starved.
    this.reactorMark = this.w.polls;
    this.reactorMarkStep = this.w.steps;
  }

  /** An event was delivered. */
  delivered(): void {
    this.progress();
  }

  /** Before a poll of `t`: livelock bookkeeping. */
  pollStarting(t: Task): void {
    const m = this.marks[t.id]!;
    if (m.progressEpoch !== this.epoch) {
      m.progressEpoch = this.epoch;
      m.pollsSinceProgress = 0;
      return;
    }
    const n = ++m.pollsSinceProgress;
    // With timers or I/O pending, the sharper diagnosis is that busy tasks starve the reactor.
    const reactor = this.w.pendingEvents > 0 && !this.reactorReported;
    if (n === this.suspectPolls && n < this.o.livelockPolls) {
      // Rule 8: suspected early, judged late. Switching to the fair suffix costs nothing, and an
      // unfair burst must not pile up work (a producer's queue) that the fair stretch then pays.
      if (!this.confirm(reactor ? REACTOR_CAUSE : livelockCause(t), this.epochStep)) {
        m.progressEpoch = this.epoch;
        m.pollsSinceProgress = 0;
      }
      return;
    }
    if (n !== this.o.livelockPolls) return;
    if (!this.confirm(reactor ? REACTOR_CAUSE : livelockCause(t), this.epochStep)) {
      m.progressEpoch = this.epoch; // re-armed: this poll is the first of the fair stretch
      m.pollsSinceProgress = 0;
      return;
    }
    if (reactor) this.reportReactorStarvation(m.pollsSinceProgress);
    else this.reportLivelock(t);
  }

  /** After every step. */
  afterStep(): void {
    const w = this.w;
    // Only a *due* event can be starved: one whose deadline is still ahead merely waits (virtual
    // time only moves when nothing is runnable, so a long but finite batch delays it without
    // starving it). A busy loop that never parks, so that time never reaches the deadline, is
    // the livelock check's to find (pollStarting), which then names the reactor as the victim.
    if (!w.eventDue) {
      this.reactorMark = w.polls;
      this.reactorMarkStep = w.steps;
    } else if (!this.reactorReported && w.polls - this.reactorMark > this.o.reactorStarvationPolls && this.confirm(REACTOR_CAUSE, this.reactorMarkStep)) {
      this.reportReactorStarvation();
    }
    if (this.monitors.active) this.monitors.check();
    if (w.steps >= this.nextScan) {
      this.nextScan = w.steps + Math.max(64, w.taskList.length);
      this.scan();
    }
  }

  /** A bypass monitor for a resource with waiters (a lock, a semaphore, a queue). */
  bypassMonitor(resource: string): BypassMonitor {
    this.bypass ??= new Map();
    let m = this.bypass.get(resource);
    if (m === undefined) {
      m = new BypassMonitor(resource, this.o.bypassLimit, this.w, () => this.w.currentTask);
      this.bypass.set(resource, m);
    }
    return m;
  }

  private scan(): void {
    const w = this.w;
    if (this.fair) this.scanFairness();
    const parked = w.parkedWhileReady();
    if (parked.length === 0 && this.parkedSince === null) return;
    const still = new Map<string, number>();
    for (const p of parked) {
      const since = this.parkedSince?.get(p.resource) ?? w.steps;
      still.set(p.resource, since);
      if (w.steps - since >= this.o.parkedWhileReadySteps) this.reportParked(p.resource, p.task, since);
    }
    this.parkedSince = still.size === 0 ? null : still;
  }

  private scanFairness(): void {
    const w = this.w;
    let runnable = 0;
    for (const t of w.taskList) if (t.state === TaskState.Scheduled) runnable++;
    if (runnable < 2) return; // nobody to be unfair to
    const bound = Math.max(this.o.fairnessMinSteps, this.o.fairnessStepsPerRunnable * runnable);
    for (const t of w.taskList) {
      // Under the suffix a wait counts from its start (rule 4: re-armed there).
      const since = this.marks[t.id]!.runnableSinceStep;
      const from = Math.max(since, this.suffix.since);
      if (t.state !== TaskState.Scheduled || w.steps - from <= bound) continue;
      if (!this.confirm(fairnessCause(t), from)) return;
      if (!this.once(`fair:${t.id}`)) continue;
      const waited = w.steps - from; // what the bound judges: the wait under the suffix
      w.report({
        kind: "starvation",
        cause: "fairness",
        bound,
        observed: waited,
        tasks: [t.name],
        step: w.steps,
        time: w.now,
        message:
          `task '${t.name}' has been runnable since step ${since} but was not polled for ${w.steps - since} steps ` +
          `(fairness bound ${bound} = max(fairnessMinSteps, fairnessStepsPerRunnable × ${runnable} runnable tasks)): the executor keeps choosing others` +
          this.suffix.confirmation(waited, "steps", fairnessCause(t)),
      });
    }
  }

  private reportLivelock(t: Task): void {
    if (!this.once(`livelock:${t.id}`)) return;
    const w = this.w;
    const marks = this.marks;
    const polls = marks[t.id]!.pollsSinceProgress;
    const busy = w.taskList.filter((x) => marks[x.id]!.progressEpoch === this.epoch && marks[x.id]!.pollsSinceProgress > 0 && x.outcome === null);
    const names = busy.map((x) => x.name);
    w.report({
      kind: "starvation",
      cause: "livelock",
      bound: this.o.livelockPolls,
      observed: polls,
      tasks: names,
      step: w.steps,
      time: w.now,
      message:
        `task '${t.name}' was polled ${polls} times with no progress anywhere (no task finished, no event delivered, ` +
        `no bytes moved, no sim.progress()): a busy loop or livelock${names.length > 1 ? ` among ${names.map((n) => `'${n}'`).join(", ")} waking each other` : " (it keeps waking itself)"}` +
        this.suffix.confirmation(polls, "polls", livelockCause(t)),
    });
  }

  private reportReactorStarvation(busyPolls = 0): void {
    this.reactorReported = true;
    const w = this.w;
    const marks = this.marks;
    const polled = w.taskList.filter((t) => marks[t.id]!.lastPolledStep >= 0 && t.outcome === null && marks[t.id]!.pollsSinceProgress > 0).map((t) => t.name);
    const n = Math.max(w.polls - this.reactorMark, busyPolls);
    w.report({
      kind: "starvation",
      cause: "reactor",
      bound: busyPolls > 0 ? this.o.livelockPolls : this.o.reactorStarvationPolls, // the livelock path judged it by its own bound
      observed: n,
      tasks: polled,
      step: w.steps,
      time: w.now,
      message:
        `${w.pendingEvents} timer/I/O event${w.pendingEvents === 1 ? " has" : "s have"} waited through ${n} polls without the reactor delivering anything: ` +
        `tasks kept the executor busy${polled.length > 0 ? ` (${polled.map((x) => `'${x}'`).join(", ")})` : ""}, and virtual time only advances when nothing is runnable` +
        this.suffix.confirmation(n, "polls", REACTOR_CAUSE),
    });
  }

  private reportParked(resource: string, task: Task | undefined, since: number): void {
    if (!this.once(`parked:${resource}`)) return;
    const w = this.w;
    const who = task === undefined ? "a waiter" : `task '${task.name}'`;
    w.report({
      kind: "lost-wakeup",
      detection: "parked-while-ready",
      stuck:
        task === undefined
          ? []
          : [
              {
                task: task.name,
                diagnosis: "waker-held-never-woken",
                lastPolledStep: this.marks[task.id]!.lastPolledStep,
                wakersHeld: task.wakersHeld,
                heldBy: [resource],
                awaiting: null,
                explanation: `parked on ${resource} since step ${since} although ${resource} is ready for it`,
              },
            ],
      tasks: task === undefined ? [] : [task.name],
      step: w.steps,
      time: w.now,
      message: `${who} has been parked on ${resource} since step ${since} (${w.steps - since} steps) while ${resource} was ready for it: its wakeup was lost (the readiness edge came and went without waking it)`,
    });
  }

  private once(key: string): boolean {
    this.reported ??= new Set();
    if (this.reported.has(key)) return false;
    this.reported.add(key);
    return true;
  }
}
