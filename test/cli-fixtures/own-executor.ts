/**
 * A scenario that ships its own (buggy) executor: `--executor work-stealing` must not replace it —
 * that explored work-stealing instead and reported "ok" for an executor never run.
 */
export { runQueueExecutorDropsNotified as default } from "../../fixtures/run-queue-executor.js";
