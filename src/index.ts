/**
 * wakesim — deterministic simulation testing for poll-based futures.
 * Public barrel only: every name here is part of the contract (DESIGN §6).
 */
export { PENDING, ready, isReady, isPending } from "./future/poll.js";
export type { Poll, Ready, Pending } from "./future/poll.js";
export { FutureBase, wait, isFuture } from "./future/future.js";
export type { Future } from "./future/future.js";
export { Context } from "./future/context.js";
export { asyncFn, asyncBlock, AsyncFnFuture } from "./future/async-fn.js";
export type { AsyncGen } from "./future/async-fn.js";
export { join, select, race, timeout, yieldNow, readyFuture, Join, Select, Timeout, YieldNow } from "./future/combinators.js";
export type { Output, Selected, TimeoutResult } from "./future/combinators.js";
export { sleep, sleepUntil, Sleep } from "./future/sleep.js";

export { Waker, WakerMisuseError } from "./waker/waker.js";
export type { WakerMisuse } from "./waker/waker.js";
export { WakerSlot } from "./future/waker-slot.js";

export { JoinHandle } from "./task/join-handle.js";
export type { JoinOutcome } from "./task/task.js";

export type { Executor, ExecutorEnv, ExecutorFactory, ScheduleCause } from "./executors/executor.js";
export { FifoExecutor } from "./executors/fifo.js";
export { PermissiveExecutor } from "./executors/permissive.js";
export { LifoSlotExecutor } from "./executors/lifo-slot.js";
export { WorkStealingExecutor } from "./executors/work-stealing.js";
export { TaskQueue } from "./executors/task-queue.js";

export { Reactor, Timer } from "./reactor/reactor.js";
export { ReactorEvent } from "./reactor/event-queue.js";
export { VirtualClock } from "./clock/virtual-clock.js";

export type { Chooser, ChoiceKind, FaultKind } from "./chooser/chooser.js";
export { FAULT_KINDS, ChooserError } from "./chooser/chooser.js";
export { SeededChooser } from "./chooser/seeded.js";
export { ReplayChooser } from "./chooser/replay.js";

export { Sim } from "./sim/sim.js";
export type { SpawnOptions, RunOptions } from "./sim/sim.js";
export type { SimOptions } from "./sim/config.js";
export type { ExecutorSpec, ExecutorName, WorkStealingOptions, LifoSlotOptions } from "./executors/spec.js";
export type { FaultSpec } from "./chooser/faults.js";
export type { Runtime } from "./future/runtime.js";
export type { TaskId, TimerId } from "./core/ids.js";
export type { Outcome, RunStatus, TaskSummary } from "./sim/outcome.js";
export type { Violation, ViolationKind, StuckTask, StuckDiagnosis, LostWakeupDetection, StarvationCause, ContractRule } from "./oracles/violation.js";
export { OptionError } from "./core/errors.js";
export { defineScenario, runScenario, replay, traceText } from "./sim/scenario.js";
export type { Scenario } from "./sim/scenario.js";

export { EmptyScenarioError, explore } from "./explore/explore.js";
export type { ExploreOptions, ExploreResult, Failure, ResidualMissBound } from "./explore/explore.js";
export type { Strategy, RunPlan } from "./explore/strategy.js";
export { STRATEGY_NAMES, makeStrategy } from "./explore/strategies.js";
export type { StrategyName } from "./explore/strategies.js";
export { RandomStrategy } from "./explore/random.js";
export { SwarmStrategy } from "./explore/swarm.js";
export { PortfolioStrategy } from "./explore/portfolio.js";
export { PctChooser, PctStrategy, pctMissBound } from "./explore/pct.js";
export { ExhaustiveStrategy } from "./explore/exhaustive.js";
export { shrink, oracleSignature } from "./explore/shrink.js";
export { scheduleArb, faultPlanArb } from "./fc/arbitraries.js";
export type { ScheduleArbOptions } from "./fc/arbitraries.js";
export { simProperty, SimPropertyError } from "./fc/sim-property.js";
export type { SimPropertyOptions } from "./fc/sim-property.js";
export { holdEscapeTraps } from "./oracles/escape-traps.js";
export { countInnerPoll, PollBudgetError } from "./oracles/poll-budget.js";
export { BypassMonitor } from "./oracles/bypass.js";
export { guard, Guarded } from "./oracles/guard.js";
export { ContractError } from "./future/contract.js";
export type { OracleOptions } from "./oracles/options.js";

export { formatReport, summarize } from "./report/report.js";
export type { ReportContext } from "./report/report.js";
export { formatTimeline } from "./report/timeline.js";
export type { TimelineOptions } from "./report/timeline.js";
export { explain } from "./report/explain.js";
export type { Explanation } from "./report/explain.js";

export type { TraceEvent } from "./trace/event.js";
export { formatTrace, formatEvent } from "./trace/event.js";
export { formatToken, parseToken, TokenError, TOKEN_VERSION } from "./trace/token.js";
export type { ReplayToken } from "./trace/token.js";

export { SimIo, StreamEnd } from "./io/sim-io.js";
export type { Pipe, PipeOptions } from "./io/sim-io.js";
export { PipeReader, PipeWriter } from "./io/pipe.js";
export { ReadFuture, ReadToEndFuture, WriteFuture } from "./io/io-futures.js";
export { WOULD_BLOCK, EOF, RESET, describeIo } from "./io/io-result.js";
export type { IoMarker } from "./io/io-result.js";
export { toChromeTrace } from "./report/chrome-export.js";
export type { ChromeTrace, ChromeTraceEvent, ChromeTraceMeta, ChromePhase } from "./report/chrome-export.js";
export { toHtmlReport } from "./report/html-report.js";
export type { HtmlReportMeta } from "./report/html-report.js";
