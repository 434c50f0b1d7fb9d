/**
 * MockRuntime: the Runtime (future/runtime.ts) a hand-stepped future sees through `cx.runtime`
 * when no Sim is running — for mock tasks and the standalone contexts of wakers.ts.
 *
 * Invariants:
 *  1. Every choice takes the plain option (index 0): no faults, events in (deadline,
 *     registration) order. A hand-written test decides the interleaving itself.
 *  2. Time moves only in `advance(ticks)`, which then delivers every event due (timers of
 *     `sleep`), in order. Mock tasks that share a runtime share its clock.
 *  3. A broken contract (poll after ready, re-entrant poll, await in drop) is recorded in
 *     `violations` with the words a Sim report uses; the future that found it then throws
 *     ContractError, as in a Sim run.
 */
import type { ChoiceKind, FaultKind } from "../chooser/chooser.js";
import { VirtualClock } from "../clock/virtual-clock.js";
import type { TaskId } from "../core/ids.js";
import type { FutureContractRule } from "../future/contract.js";
import type { Runtime } from "../future/runtime.js";
import { futureContractViolation } from "../oracles/contract.js";
import type { Violation } from "../oracles/violation.js";
import { Reactor } from "../reactor/reactor.js";

/** What a runtime needs to know about the mock task being polled (mock-task.ts). */
export interface PollingTask {
  readonly id: TaskId;
  readonly name: string;
  readonly generation: number;
  /** Where the task's own record of a broken contract goes. */
  recordViolation(v: Violation): void;
}

export class MockRuntime implements Runtime {
  private readonly clock = new VirtualClock();
  readonly reactor: Reactor;
  /** Contract violations reported through this runtime (also kept by the task polled then). */
  readonly violations: Violation[] = [];
  readonly maxLatencyTicks = 0;
  readonly tracing = false;
  /** @internal The mock task whose poll is running, if any. */
  current: PollingTask | null = null;
  /** Inner polls counted by combinators during the current poll (Runtime.countInnerPoll). */
  innerPolls = 0;

  constructor() {
    this.reactor = new Reactor(this.clock, this);
  }

  get now(): number {
    return this.clock.now;
  }

  get currentTaskId(): TaskId | null {
    return this.current === null ? null : this.current.id;
  }

  /** Rule 2: moves the clock `ticks` forward and fires every event due by then, in order. */
  advance(ticks: number): void {
    if (!Number.isInteger(ticks) || ticks < 0) throw new RangeError(`advance(${ticks}): ticks must be a non-negative integer`);
    const until = this.clock.now + ticks;
    for (;;) {
      const next = this.reactor.nextDeadline();
      if (next === undefined || next > until) break;
      this.clock.advanceTo(next);
      for (let e = this.reactor.takeDue(); e !== undefined; e = this.reactor.takeDue()) e.fire();
    }
    this.clock.advanceTo(until);
  }

  decide(_n: number, _kind: ChoiceKind): number {
    return 0; // rule 1
  }

  decideFault(_n: number, _kind: FaultKind): number {
    return 0;
  }

  faultEnabled(_kind: FaultKind): boolean {
    return false;
  }

  progress(): void {}

  countInnerPoll(): void {
    this.innerPolls++;
  }

  contractBroken(rule: FutureContractRule, label: string, awaited?: string): void {
    const t = this.current;
    const v = futureContractViolation(rule, t?.name ?? "(outside any task)", label, t?.generation ?? 0, this.clock.now, awaited);
    this.violations.push(v);
    t?.recordViolation(v);
  }

  note(_text: string): void {}

  futureDropped(_label: string, _reason: string): void {}
}
