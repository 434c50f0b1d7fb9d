/**
 * What a run with threads is made of (threads.ts drives them): what the step rule needs of the
 * step loop (ThreadLoop) and of the run's parts (ThreadParts), the threads of steps it resumes
 * (an in-flight poll, a `sim.thread`), and a park's deadline as a reactor event.
 */
import type { Access } from "../chooser/access.js";
import type { TaskId } from "../core/ids.js";
import type { Executor } from "../executors/executor.js";
import type { Runtime } from "../future/runtime.js";
import type { Violation } from "../oracles/violation.js";
import { ReactorEvent } from "../reactor/event-queue.js";
import type { Reactor } from "../reactor/reactor.js";
import type { Task } from "../task/task.js";
import type { StepOp, StepThread, Steps } from "../threads/step-op.js";
import type { ParkOp, SimThread } from "../threads/thread-handle.js";
import type { Waker } from "../waker/waker.js";
import type { ChoiceLog } from "./choice-log.js";
import type { Tracer } from "./tracer.js";

/** What ThreadSteps needs of the run (the step loop): its position, and the two halves of a poll. */
export interface ThreadLoop {
  readonly steps: number;
  readonly now: number;
  currentTask: Task | null;
  currentThread: string | null;
  /** Takes task `t` from the executor's candidates (it must be one), checked. */
  takeTask(t: Task): void;
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
  /** The task with this id. */
  task(id: TaskId): Task;
}

/** The run's parts ThreadSteps reads and drives directly. */
export interface ThreadParts {
  readonly reactor: Reactor;
  readonly executor: Executor;
  readonly log: ChoiceLog;
  readonly tracer: Tracer;
  readonly runtime: Runtime;
}

/** A thread of steps: an in-flight poll or a `sim.thread`, stopped at the op it performs next. */
export interface Runner extends StepThread {
  body: Steps<unknown> | null;
  op: StepOp | null;
  alarm: Alarm | null;
  /** An access its next step also makes (the read of its creation). */
  firstAlso: Access | null;
}

/** A task's poll in flight on a worker. */
export interface InFlight extends Runner {
  readonly task: Task;
  readonly waker: Waker;
  readonly worker: number;
}

export interface ThreadRunner extends Runner {
  readonly handle: SimThread;
  done: boolean;
}

/** A park's deadline (threads/thread-handle.ts): makes the op ready when virtual time reaches it. */
export class Alarm extends ReactorEvent {
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

