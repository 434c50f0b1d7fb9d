/**
 * wakesim — deterministic simulation testing for poll-based futures.
 *
 * The root is what a scenario author needs: the model (Poll, Future, Context, Waker), the
 * combinators, tasks, `Sim` and its options, scenarios with explore/replay, the fast-check
 * helpers, fake I/O, the oracles a future opts into (guard, countInnerPoll, BypassMonitor), the
 * errors, and what a run returns (Outcome, Violation). Extension points and codecs are on
 * subpaths (README "The package's entry points"): wakesim/executors, wakesim/explore (choosers,
 * strategies, shrink), wakesim/reactor, wakesim/report, wakesim/trace, wakesim/vitest.
 */
export { PENDING, ready, isReady, isPending } from "./future/poll.js";
export type { Poll, Ready, Pending } from "./future/poll.js";
export { FutureBase, wait, isFuture } from "./future/future.js";
export type { Future } from "./future/future.js";
export { Context } from "./future/context.js";
export type { Runtime } from "./future/runtime.js";
export { WakerSlot } from "./future/waker-slot.js";
export { asyncFn, asyncBlock } from "./future/async-fn.js";
export type { AsyncGen } from "./future/async-fn.js";
export { join, select, race, timeout, yieldNow, readyFuture } from "./future/combinators.js";
export type { Output, Selected, TimeoutResult } from "./future/combinators.js";
export { sleep, sleepUntil } from "./future/sleep.js";
export { ContractError } from "./future/contract.js";

export { Waker, WakerMisuseError } from "./waker/waker.js";
export type { WakerMisuse } from "./waker/waker.js";
export type { TaskId, TimerId } from "./core/ids.js";
export { AsyncTasksError, OptionError } from "./core/errors.js";

export { JoinHandle } from "./task/join-handle.js";
export type { JoinOutcome } from "./task/task.js";

export { Sim } from "./sim/sim.js";
export type { SpawnOptions, RunOptions } from "./sim/sim.js";
export type { SimOptions, SimSettings } from "./sim/config.js";
export type { ExecutorSpec, ExecutorName, WorkStealingOptions, LifoSlotOptions } from "./executors/spec.js";
export type { FaultKind } from "./chooser/chooser.js";
export type { FaultSpec } from "./chooser/faults.js";
export type { OracleOptions } from "./oracles/options.js";
export type { Outcome, RunStatus, TaskSummary } from "./sim/outcome.js";
export type { Violation, ViolationKind, StuckTask, StuckDiagnosis, LostWakeupDetection, StarvationCause, ContractRule } from "./oracles/violation.js";

export { defineScenario, runScenario, runScenarioAsync, replay, replayAsync, traceText } from "./sim/scenario.js";
export type { Scenario } from "./sim/scenario.js";
export { EmptyScenarioError, explore, exploreAsync } from "./explore/explore.js";
export type { AsyncBody } from "./promise/async-task.js";
export { fromPromise, joined, TaskCancelledError } from "./promise/bridge.js";
export type { ExploreOptions, ExploreResult, Failure, ResidualMissBound } from "./explore/explore.js";
export type { RunHang } from "./explore/watched.js";
export type { HangSite } from "./explore/watchdog.js";
export type { StrategyName } from "./explore/strategies.js";
export { scheduleArb, faultPlanArb } from "./fc/arbitraries.js";
export type { ScheduleArbOptions } from "./fc/arbitraries.js";
export { simProperty, simPropertyAsync, SimPropertyError } from "./fc/sim-property.js";
export type { SimPropertyOptions, SimPropertyTarget } from "./fc/sim-property.js";

export { guard } from "./oracles/guard.js";
export { countInnerPoll, PollBudgetError } from "./oracles/poll-budget.js";
export { BypassMonitor } from "./oracles/bypass.js";

export type { SimIo, Pipe, PipeOptions } from "./io/sim-io.js";
export { StreamEnd } from "./io/sim-io.js";
export { PipeReader, PipeWriter } from "./io/pipe.js";
export { WOULD_BLOCK, EOF, RESET, describeIo } from "./io/io-result.js";
export type { IoMarker } from "./io/io-result.js";

// Races inside a poll (README "Threads: races inside a poll"): atomic steps, cells, mutex, threads.
export * from "./threads/index.js";

// Unit-testing a future, poll by poll (README): the mock task, wakers, adapters and assert helpers.
export { MockTask, mockTask } from "./testing/mock-task.js";
export type { MockTaskOptions, OutputOf } from "./testing/mock-task.js";
export { MockRuntime } from "./testing/mock-runtime.js";
export { noopWaker, countingWaker, panickingWaker, wakerFrom, contextOf, noopContext, panicContext, UnexpectedWakeError } from "./testing/wakers.js";
export type { WakeCounts, WakerFunctions } from "./testing/wakers.js";
export { interleavePending, pendingOnce, countWakes, WakeCounted } from "./testing/adapters.js";
export { assertPending, assertReady, assertReadyWith, assertWoken, assertNotWoken, describePoll, PollAssertionError } from "./testing/assert.js";
