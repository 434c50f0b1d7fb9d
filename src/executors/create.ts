/**
 * Builds a fresh executor for a Sim from the `executor` option.
 */
import type { ExecutorSpec } from "./spec.js";
import type { Executor } from "./executor.js";
import { FifoExecutor } from "./fifo.js";
import { LifoSlotExecutor } from "./lifo-slot.js";
import { PermissiveExecutor } from "./permissive.js";
import { WorkStealingExecutor } from "./work-stealing.js";

export function createExecutor(spec: ExecutorSpec): Executor {
  if (typeof spec === "function") return spec();
  if (typeof spec === "object") {
    return spec.kind === "lifo-slot" ? new LifoSlotExecutor(spec.maxLifoPollsInRow) : new WorkStealingExecutor(spec);
  }
  switch (spec) {
    case "fifo":
      return new FifoExecutor();
    case "permissive":
      return new PermissiveExecutor();
    case "lifo-slot":
      return new LifoSlotExecutor();
    case "work-stealing":
      return new WorkStealingExecutor({ kind: "work-stealing" });
  }
}
