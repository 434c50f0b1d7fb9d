/**
 * Runtime: what a running simulation offers the futures it polls, through `cx.runtime`.
 * Leaf futures (sleep, pipe I/O) use it to register with the reactor; everything that could
 * vary goes through `decide`/`decideFault`, the simulation's single door to its chooser.
 */
import type { Decider } from "../chooser/chooser.js";
import type { Reactor } from "../reactor/reactor.js";
import type { TaskId } from "../core/ids.js";
import type { FutureContractRule } from "./contract.js";

export interface Runtime extends Decider {
  /** Current virtual time, in ticks. */
  readonly now: number;
  /** Upper bound, in ticks, on the extra latency the `latency` fault may add to an I/O transfer. */
  readonly maxLatencyTicks: number;
  readonly reactor: Reactor;
  /** The task being polled, or null outside polls. */
  readonly currentTaskId: TaskId | null;
  /** Marks progress for the livelock and reactor-starvation oracles (bytes moved, work done). */
  progress(): void;
  /** Counts one inner poll made by a combinator within the current poll (the poll-budget oracle). */
  countInnerPoll(): void;
  /**
   * Reports a broken contract by the future labelled `label`, in the current poll or drop (see
   * guard). `awaited` names what it awaited, for "await-in-drop".
   */
  contractBroken(rule: FutureContractRule, label: string, awaited?: string): void;
  /** Records a trace note (no-op unless tracing). */
  note(text: string): void;
  /** True when this run records a trace: hooks that build text for it check this first, so the fast path builds none. */
  readonly tracing: boolean;
  /** Records that the current poll dropped a losing child future `label`, and why (no-op unless tracing). */
  futureDropped(label: string, reason: string): void;
}
