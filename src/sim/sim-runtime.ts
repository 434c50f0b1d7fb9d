/**
 * SimRuntime: the Runtime (runtime.ts) a simulation offers what it polls — the futures, through
 * `cx.runtime`, and the reactor and fake I/O it hands events to. It owns no run state: each
 * member answers from the part that owns the data (the clock, the choice log, the wake hook's
 * budget counters, the watch, the tracer), so what futures may touch is exactly this interface.
 */
import type { ChoiceKind, FaultKind } from "../chooser/chooser.js";
import type { VirtualClock } from "../clock/virtual-clock.js";
import { futureContractViolation } from "../oracles/contract.js";
import type { Watch } from "../oracles/watch.js";
import { Reactor } from "../reactor/reactor.js";
import type { ChoiceLog } from "./choice-log.js";
import type { TaskId } from "../core/ids.js";
import type { Runtime } from "../future/runtime.js";
import type { RunPosition, Tracer } from "./tracer.js";
import type { FutureContractRule } from "../future/contract.js";
import type { SimWakeHook, ViolationSink } from "./wake-hook.js";

export class SimRuntime implements Runtime {
  readonly reactor: Reactor;

  constructor(
    private readonly clock: VirtualClock,
    readonly maxLatencyTicks: number,
    private readonly at: RunPosition,
    private readonly choices: ChoiceLog,
    private readonly hook: SimWakeHook,
    private readonly watch: Watch,
    private readonly tracer: Tracer,
    private readonly sink: ViolationSink,
  ) {
    this.reactor = new Reactor(clock, this);
  }

  get now(): number {
    return this.clock.now;
  }

  get currentTaskId(): TaskId | null {
    const t = this.at.currentTask;
    return t === null ? null : t.id;
  }

  decide(n: number, kind: ChoiceKind): number {
    return this.choices.decide(n, kind);
  }

  decideFault(n: number, kind: FaultKind): number {
    return this.choices.decideFault(n, kind);
  }

  decideTie(origins: readonly (TaskId | null)[]): number {
    return this.choices.chooseTie(origins);
  }

  faultEnabled(kind: FaultKind): boolean {
    return this.choices.faultEnabled(kind);
  }

  progress(): void {
    this.watch.progress();
  }

  countInnerPoll(): void {
    this.hook.countInnerPoll();
  }

  contractBroken(rule: FutureContractRule, label: string, awaited?: string): void {
    this.sink.report(futureContractViolation(rule, this.at.currentTask?.name ?? "(outside any task)", label, this.at.steps, this.clock.now, awaited));
  }

  note(text: string): void {
    this.tracer.note(text);
  }

  get tracing(): boolean {
    return this.tracer.on;
  }

  futureDropped(label: string, reason: string): void {
    this.tracer.futureDropped(label, reason);
  }
}
