/**
 * Branded ids used in public signatures, so a task id cannot be passed where a timer id is meant.
 */
export type TaskId = number & { readonly __brand: "TaskId" };
export type TimerId = number & { readonly __brand: "TimerId" };

export const asTaskId = (n: number): TaskId => n as TaskId;
export const asTimerId = (n: number): TimerId => n as TimerId;
