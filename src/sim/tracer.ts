/**
 * Tracer: records a run's trace events, or nothing. Owns the event list; every event the
 * simulation records goes through one method here, which stamps it with the run's position
 * (step, virtual time, the task being polled).
 *
 * Invariants:
 *  1. Off (`events` null), every method returns at once: callers pass the objects they already
 *     hold (a task, a waker, an event) and the text is built here, only when tracing — so the
 *     untraced hot path builds no string and no closure.
 *  2. Events are appended in the order things happened; fields are in the order of their type
 *     in trace/event.ts (formatTrace and the report hash read them).
 */
import type { TraceEvent } from "../trace/event.js";
import type { Task } from "../task/task.js";
import type { Violation } from "../oracles/violation.js";

/** Where the run is: what every event is stamped with. */
export interface RunPosition {
  readonly steps: number;
  readonly now: number;
  /** The task being polled (or being dropped), or null. */
  readonly currentTask: Task | null;
  /** The simulated thread whose step runs (sim/threads.ts), or null. */
  readonly currentThread?: string | null;
}

export class Tracer {
  private readonly events: TraceEvent[] | null;

  constructor(
    on: boolean,
    private readonly at: RunPosition,
  ) {
    this.events = on ? [] : null;
  }

  get on(): boolean {
    return this.events !== null;
  }

  /** A copy of the events so far (null when off). */
  snapshot(): TraceEvent[] | null {
    return this.events === null ? null : this.events.slice();
  }

  choiceMade(kind: string, n: number, chosen: number): void {
    if (this.events !== null) this.events.push({ type: "ChoiceMade", step: this.at.steps, kind, n, chosen });
  }

  /** A note in the current task's name (or none outside polls). */
  note(text: string): void {
    if (this.events !== null) this.events.push({ type: "Note", step: this.at.steps, time: this.at.now, task: this.at.currentTask?.name ?? null, text });
  }

  /** A note in lane `lane`: a task's or a simulated thread's (sim/threads.ts: one atomic step each). */
  noteIn(lane: string, text: string): void {
    if (this.events !== null) this.events.push({ type: "Note", step: this.at.steps, time: this.at.now, task: lane, text });
  }

  /** A note about task `t`, whoever is running. */
  noteOn(t: Task, text: string): void {
    if (this.events !== null) this.events.push({ type: "Note", step: this.at.steps, time: this.at.now, task: t.name, text });
  }

  futureDropped(label: string, reason: string): void {
    if (this.events !== null) this.events.push({ type: "FutureDropped", step: this.at.steps, time: this.at.now, task: this.at.currentTask?.name ?? null, future: label, reason });
  }

  violation(v: Violation): void {
    if (this.events !== null) this.events.push({ type: "ViolationReported", step: this.at.steps, time: this.at.now, kind: v.kind, tasks: v.tasks.join(",") });
  }

  taskSpawned(name: string, by: Task | null): void {
    if (this.events !== null) this.events.push({ type: "TaskSpawned", step: this.at.steps, time: this.at.now, task: name, by: by?.name ?? null });
  }

  eventDelivered(e: { describe(): string }): void {
    if (this.events !== null) this.events.push({ type: "EventDelivered", step: this.at.steps, time: this.at.now, event: e.describe() });
  }

  clockAdvanced(from: number): void {
    if (this.events !== null) this.events.push({ type: "ClockAdvanced", step: this.at.steps, from, to: this.at.now });
  }

  taskPolled(t: Task, generation: number): void {
    if (this.events !== null) this.events.push({ type: "TaskPolled", step: this.at.steps, time: this.at.now, task: t.name, generation });
  }

  pollReturned(t: Task, result: "ready" | "pending" | "panicked"): void {
    if (this.events !== null) this.events.push({ type: "PollReturned", step: this.at.steps, time: this.at.now, task: t.name, result });
  }

  taskFinished(t: Task, outcome: string): void {
    if (this.events !== null) this.events.push({ type: "TaskFinished", step: this.at.steps, time: this.at.now, task: t.name, outcome });
  }

  wakeIssued(t: Task, waker: { toString(): string }, stale: boolean, effect: string): void {
    if (this.events !== null) {
      this.events.push({ type: "WakeIssued", step: this.at.steps, time: this.at.now, task: t.name, by: this.at.currentTask?.name ?? this.at.currentThread ?? null, waker: waker.toString(), stale, effect });
    }
  }
}
