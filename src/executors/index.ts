/**
 * wakesim/executors — the extension point for queueing policies: the Executor interface a custom
 * executor implements (pass a factory as `executor: () => new MyExecutor()`), and the built-ins.
 */
export type { Executor, ExecutorEnv, ExecutorFactory, ScheduleCause } from "./executor.js";
export { FifoExecutor } from "./fifo.js";
export { PermissiveExecutor } from "./permissive.js";
export { LifoSlotExecutor } from "./lifo-slot.js";
export { WorkStealingExecutor } from "./work-stealing.js";
export { TaskQueue } from "./task-queue.js";
export { EXECUTOR_NAMES } from "./spec.js";
export type { ExecutorName, ExecutorSpec, WorkStealingOptions, LifoSlotOptions } from "./spec.js";
