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
 */
import type { ResolvedOracles } from "../sim/config.js";
import type { Violation } from "../sim/violation.js";
import { TaskState } from "../task/task-state.js";
import type { Task } from "../task/task.js";
import { BypassMonitor } from "./bypass.js";
import { Monitors } from "./monitors.js";

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
  /** Waiters parked on a ready simulation resource: resource name and the waiting task. */
  parkedWhileReady(): readonly { resource: string; task: Task | undefined }[];
  report(v: Violation): void;
}

export class Watch {
  readonly monitors: Monitors;
  // Created on first use: a fresh Sim per run must stay cheap to build.
  private bypass: Map<string, BypassMonitor> | null = null;
  private nextScan = 64;
  /** Progress epoch: bumped by any progress; tasks compare it to reset their counters. */
  epoch = 0;
  /** `polls` at the last reactor delivery, or while no event was pending. */
  private reactorMark = 0;
  private reactorReported = false;
  /** Resource → step at which its waiter was first seen parked while ready. */
  private parkedSince: Map<string, number> | null = null;
  private reported: Set<string> | null = null;

  constructor(
    private readonly w: Watched,
    private readonly o: ResolvedOracles,
    /** Whether the chooser is fair (the fairness bound only means something then). */
    private readonly fair: boolean,
  ) {
    this.monitors = new Monitors(w);
  }

  /** Marks progress: a task finished, an event was delivered, bytes moved, or the user said so. */
  progress(): void {
    this.epoch++;
    // Work is getting done: a pending timer is merely waiting, not starved.
    this.reactorMark = this.w.polls;
  }

  /** An event was delivered. */
  delivered(): void {
    this.epoch++;
    this.reactorMark = this.w.polls;
  }

  /** Before a poll of `t`: livelock bookkeeping. */
  pollStarting(t: Task): void {
    if (t.progressEpoch !== this.epoch) {
      t.progressEpoch = this.epoch;
      t.pollsSinceProgress = 0;
      return;
    }
    if (++t.pollsSinceProgress !== this.o.livelockPolls) return;
    // With timers or I/O pending, the sharper diagnosis is that busy tasks starve the reactor.
    if (this.w.pendingEvents > 0 && !this.reactorReported) this.reportReactorStarvation(t.pollsSinceProgress);
    else this.reportLivelock(t);
  }

  /** After every step. */
  afterStep(): void {
    const w = this.w;
    if (w.pendingEvents === 0) this.reactorMark = w.polls;
    else if (!this.reactorReported && w.polls - this.reactorMark > this.o.reactorStarvationPolls) this.reportReactorStarvation();
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
      if (t.state !== TaskState.Scheduled || w.steps - t.runnableSinceStep <= bound || !this.once(`fair:${t.id}`)) continue;
      const waited = w.steps - t.runnableSinceStep;
      w.report({
        kind: "starvation",
        cause: "fairness",
        bound,
        observed: waited,
        tasks: [t.name],
        step: w.steps,
        time: w.now,
        message:
          `task '${t.name}' has been runnable since step ${t.runnableSinceStep} but was not polled for ${waited} steps ` +
          `(fairness bound ${bound} = max(fairnessMinSteps, fairnessStepsPerRunnable × ${runnable} runnable tasks)): the executor keeps choosing others`,
      });
    }
  }

  private reportLivelock(t: Task): void {
    if (!this.once(`livelock:${t.id}`)) return;
    const w = this.w;
    const busy = w.taskList.filter((x) => x.progressEpoch === this.epoch && x.pollsSinceProgress > 0 && x.outcome === null);
    const names = busy.map((x) => x.name);
    w.report({
      kind: "starvation",
      cause: "livelock",
      bound: this.o.livelockPolls,
      observed: t.pollsSinceProgress,
      tasks: names,
      step: w.steps,
      time: w.now,
      message:
        `task '${t.name}' was polled ${t.pollsSinceProgress} times with no progress anywhere (no task finished, no event delivered, ` +
        `no bytes moved, no sim.progress()): a busy loop or livelock${names.length > 1 ? ` among ${names.map((n) => `'${n}'`).join(", ")} waking each other` : " (it keeps waking itself)"}`,
    });
  }

  private reportReactorStarvation(busyPolls = 0): void {
    this.reactorReported = true;
    const w = this.w;
    const polled = w.taskList.filter((t) => t.lastPolledStep >= 0 && t.outcome === null && t.pollsSinceProgress > 0).map((t) => t.name);
    const n = Math.max(w.polls - this.reactorMark, busyPolls);
    w.report({
      kind: "starvation",
      cause: "reactor",
      bound: this.o.reactorStarvationPolls,
      observed: n,
      tasks: polled,
      step: w.steps,
      time: w.now,
      message:
        `${w.pendingEvents} timer/I/O event${w.pendingEvents === 1 ? " has" : "s have"} waited through ${n} polls without the reactor delivering anything: ` +
        `tasks kept the executor busy${polled.length > 0 ? ` (${polled.map((x) => `'${x}'`).join(", ")})` : ""}, and virtual time only advances when nothing is runnable`,
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
                lastPolledStep: task.lastPolledStep,
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
