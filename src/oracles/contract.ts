/**
 * Violation builders for the contract, escape and step-limit oracles: the words a
 * user reads when the model's rules are broken. The simulation detects; these say what it means.
 */
import type { ContractRule, StepLimitSat, Violation } from "./violation.js";
import { TaskState } from "../task/task-state.js";
import type { Task } from "../task/task.js";
import { awaitChain } from "./lost-wakeup.js";
import type { TaskMarks } from "./task-marks.js";
import type { WakerMisuse } from "../waker/waker.js";

export function describeThrown(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : `thrown value: ${String(e)}`;
}

/** A task panicked (a throw in poll, or in drop): `what` says where. */
export function panicViolation(task: string, e: unknown, what: string, step: number, time: number, async = false, thread = false): Violation {
  const error = describeThrown(e);
  const flavour = async ? { async: true as const } : thread ? { thread: true as const } : {};
  return { kind: "panic", task, tasks: [task], error, stack: e instanceof Error ? (e.stack ?? "") : "", step, time, message: `${what}: ${error}`, ...flavour };
}

export function wakerMisuseViolation(task: string, by: string | null, misuse: WakerMisuse, message: string, step: number, time: number): Violation {
  const rule: ContractRule = misuse === "borrowed-after-poll" ? "waker-borrowed-after-poll" : "waker-used-after-consume";
  const other = by !== null && by !== task;
  return {
    kind: "contract",
    rule,
    task,
    tasks: other ? [task, by] : [task],
    step,
    time,
    message: other ? `${message} (used during a poll of task '${by}')` : message,
  };
}

/**
 * A contract rule broken by a future: poll after ready, re-entrant poll (found by `guard`), or an
 * await inside a drop (an async fn whose `finally` yields while it is dropped; `awaited` is what
 * it yielded, or several, comma-separated).
 */
export function futureContractViolation(rule: ContractRule, task: string, label: string, step: number, time: number, awaited?: string): Violation {
  const what =
    rule === "poll-after-ready"
      ? `future '${label}' was polled again after it returned ready: a finished future must not be polled (drop it, or remember that it finished)`
      : rule === "poll-after-drop"
        ? `future '${label}' was polled after it was dropped: a dropped (cancelled) future is gone and must not be polled again`
        : rule === "await-in-drop"
          ? `async fn '${label}' was dropped (cancelled) and its finally block awaited ${awaited ?? "a future"} during the drop. ` +
            `A drop cannot await (Rust has no async drop): that future was never polled, and the rest of the finally block after the await did not run — ` +
            `any cleanup there (a release, a close, a wake) was skipped. Do the cleanup synchronously in finally, before any await, ` +
            `or hold a guard object whose drop() releases it`
          : `future '${label}' was polled while its own poll was still running (a re-entrant poll): a future may not poll itself, directly or through a cycle`;
  return { kind: "contract", rule, task, tasks: [task], step, time, message: `${what} — in task '${task}' at step ${step}` };
}

export function escapeViolation(api: string, callSite: string | null, task: string | null, step: number, time: number): Violation {
  const who = task === null ? "" : ` during a poll of task '${task}'`;
  return {
    kind: "nondeterminism",
    cause: "escape",
    api,
    callSite,
    tasks: task === null ? [] : [task],
    step,
    time,
    message:
      api.startsWith("real I/O")
        ? `${api} was still pending when the run went quiet${task === null ? "" : ` (task '${task}' unfinished)`}: a real file, network or DNS operation is outside the simulation — ` +
          `its result comes in real time, after the steps that would use it. Give the task its data another way (a fake pipe from wakesim's io, or the data passed in), or read it before the run`
        : api === "Promise" || api.startsWith("timers/promises.")
        ? `a real promise was made${who}${callSite === null ? "" : ` at ${callSite}`} (${api}): in a synchronous run its reactions run after the run, outside the simulation. ` +
          `Run promise code with runAsync / exploreAsync (a scenario whose setup spawns an async function is run that way by the CLI and simTest), or await it in an asyncFn with yield* fromPromise(p) there`
        : `${api}() was called${who}${callSite === null ? "" : ` at ${callSite}`}: real time, randomness and event-loop callbacks make a run unrepeatable. ` +
          `Use the simulation's clock (sim.now, sleep) and its faults instead`,
  };
}

/**
 * The run hit `maxSteps`. The usual cause is starvation, so the report names the tasks that sat
 * still for most of the run (at least half its steps) while others were polled: runnable but
 * never polled (the executor or the strategy kept picking others, or one task never yields), or
 * parked and never woken — with how long, and how often the busiest tasks were polled.
 */
export function stepLimitViolation(tasks: readonly Task[], marks: readonly TaskMarks[], maxSteps: number, step: number, time: number, threads: readonly string[] = []): Violation {
  const pending = tasks.filter((t) => t.outcome === null && !t.daemon).map((t) => t.name);
  const sat: StepLimitSat[] = [];
  for (const t of tasks) {
    if (t.outcome !== null || t.daemon) continue;
    const runnable = t.state === TaskState.Scheduled;
    if (!runnable && t.state !== TaskState.Idle) continue;
    const since = runnable ? marks[t.id]!.runnableSinceStep : Math.max(marks[t.id]!.lastPolledStep, t.future?.lastActiveStep ?? -1);
    if (step - since < step / 2) continue;
    sat.push({ task: t.name, state: runnable ? "runnable" : "parked", sinceStep: since, stepsWithout: step - since, polls: t.generation });
  }
  const first = Math.min(...sat.map((s) => s.sinceStep));
  const activeAt = (t: Task): number => t.future?.lastActiveStep ?? -1;
  const busy = tasks
    .filter((t) => (marks[t.id]!.lastPolledStep > first || activeAt(t) > first) && !sat.some((s) => s.task === t.name))
    .sort((a, b) => b.generation - a.generation)
    .slice(0, 3)
    .map((t) => (activeAt(t) > first ? { task: t.name, polls: t.generation, activeUntilStep: activeAt(t) } : { task: t.name, polls: t.generation }));
  const busyText = (b: (typeof busy)[number]): string =>
    b.activeUntilStep === undefined ? `'${b.task}' was polled ${b.polls} time${b.polls === 1 ? "" : "s"}` : `'${b.task}' ran in its promise reactions (last at step ${b.activeUntilStep})`;
  const line = (s: StepLimitSat, t: Task): string => {
    if (s.state === "runnable") {
      return s.polls === 0
        ? `  - ${s.task}: runnable since it was spawned at step ${s.sinceStep}, never polled in the ${s.stepsWithout} steps since`
        : `  - ${s.task}: runnable since step ${s.sinceStep}, not polled in the last ${s.stepsWithout} steps (${s.polls} poll${s.polls === 1 ? "" : "s"} before)`;
    }
    const w = marks[t.id]!.inertStaleWake;
    const woken =
      w !== null && w.taskGeneration === t.generation
        ? `woken since only through the stale waker of poll ${w.wakerGeneration} (at step ${w.step}), treated as inert`
        : `never woken in the last ${s.stepsWithout} steps`;
    const on = awaitChain(t.future);
    return `  - ${s.task}: parked since its poll ${s.polls} at step ${s.sinceStep}${on === null ? "" : ` (awaiting ${on})`}, ${woken}`;
  };
  const unfinished = threads.length === 0 ? "" : `; threads not finished: ${threads.join(", ")}`;
  const head = `the run did not finish within maxSteps=${maxSteps} (tasks still pending: ${pending.join(", ") || "none"}${unfinished}). `;
  const message =
    sat.length === 0
      ? head +
        (threads.length > 0 && pending.length === 0
          ? `A thread that loops forever must be made a daemon (sim.thread(body, { daemon: true })) if that is its job; otherwise it spins on a condition nothing changes — or the scenario needs more steps: raise maxSteps.`
          : `Either the tasks loop forever (a busy self-wake or livelock), or the scenario needs more steps: raise maxSteps.`)
      : head +
        `${sat.length === 1 ? "One task" : `${sat.length} tasks`} sat still for most of the run while others were polled:\n` +
        sat.map((s) => line(s, tasks.find((t) => t.name === s.task)!)).join("\n") +
        (busy.length === 0 ? "" : `\n  meanwhile ${busy.map(busyText).join(", ")} (in the whole run).`) +
        `\nA runnable task never polled is starved: an executor or strategy that keeps picking others, or a task that never yields (a busy self-wake). ` +
        `A parked one waits for a wake that never comes while the rest keep the run busy (a lost wakeup). If the work is just long, raise maxSteps.`;
  return { kind: "step-limit", maxSteps, sat, busy, tasks: pending, step, time, message };
}

/** A cancelled task's drop left wakers or registrations behind. */
export function leakViolation(t: Task, heldBy: readonly string[], step: number, time: number): Violation {
  const where = heldBy.length > 0 ? ` (${heldBy.join(", ")})` : "";
  return {
    kind: "leak",
    task: t.name,
    wakersHeld: t.wakersHeld,
    heldBy,
    tasks: [t.name],
    step,
    time,
    message:
      `task '${t.name}' was cancelled (its future dropped) but ${t.wakersHeld} clone${t.wakersHeld === 1 ? "" : "s"} of its waker ${t.wakersHeld === 1 ? "is" : "are"} still held${where}: ` +
      `a future's drop() must release what it registered, or a notification meant for a live waiter can go to the dead one`,
  };
}
