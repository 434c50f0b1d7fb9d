/**
 * Diagnosis of tasks still pending at quiescence (the lost-wakeup oracle's first form).
 *
 * Order of the checks matters: a task that is scheduled but never offered again was lost by the
 * executor, whatever wakers exist; otherwise held wakers mean someone could have woken it.
 */
import { TaskState } from "../task/task-state.js";
import type { Task } from "../task/task.js";
import type { StuckTask } from "./violation.js";

export function diagnoseStuck(tasks: readonly Task[]): StuckTask[] {
  const out: StuckTask[] = [];
  for (const t of tasks) {
    if (t.outcome !== null || t.daemon) continue;
    const base = { task: t.name, lastPolledStep: t.lastPolledStep, wakersHeld: t.wakersHeld };
    if (t.state === TaskState.Scheduled) {
      out.push({
        ...base,
        diagnosis: "executor-lost-wake",
        explanation:
          t.generation === 0
            ? `spawned but never polled: the executor never offered it (it lost the task)`
            : `woken after its last poll (step ${t.lastPolledStep}) but never polled again: the executor lost the wake`,
      });
    } else if (t.wakersHeld > 0) {
      out.push({
        ...base,
        diagnosis: "waker-held-never-woken",
        explanation: `pending since step ${t.lastPolledStep}; ${t.wakersHeld} clone${t.wakersHeld === 1 ? "" : "s"} of its waker ${t.wakersHeld === 1 ? "is" : "are"} held but nobody woke it (a lost notification, or a wait cycle)`,
      });
    } else {
      out.push({
        ...base,
        diagnosis: "no-wake-source",
        explanation: `pending since step ${t.lastPolledStep} with no clone of its waker held anywhere: its future returned pending without arranging a wakeup`,
      });
    }
  }
  return out;
}
