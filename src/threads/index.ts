/**
 * Races inside a poll: atomic steps, preemptible polls, simulated shared memory and threads
 * (README "Threads: races inside a poll").
 */
export { point, op, spinLoop, SCHEDULER_OBJECT, WORLD_OBJECT } from "./step-op.js";
export type { StepOp, StepThread, Steps } from "./step-op.js";
export { AtomicCell } from "./atomic-cell.js";
export { DataCell } from "./data-cell.js";
export type { CompareExchangeResult } from "./atomic-cell.js";
export { SimMutex, CondVar } from "./mutex.js";
export { SimThread } from "./thread-handle.js";
export type { ThreadBody, ThreadOptions } from "./thread-handle.js";
export { StepFuture, stepFuture, runSteps, isSteppedFuture } from "./step-future.js";
export type { SteppedFuture } from "./step-future.js";
export { wake, wakeByRef } from "./wake-op.js";
