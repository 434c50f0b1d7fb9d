/**
 * A tiny interpreter for the thread explorers' tests: a program is a few threads, each a
 * generator yielding atomic operations over named cells and mutexes (with the op's result sent
 * back, so control flow may depend on what was read). `runProgram` plays one run under a
 * ThreadRun and reports the final state, the schedule and the run's Mazurkiewicz trace.
 */
import type { Access } from "../src/explore/thread-access.js";
import type { ThreadRun } from "../src/explore/thread-explorer.js";

export type Op =
  | { readonly op: "load"; readonly cell: string }
  | { readonly op: "store"; readonly cell: string; readonly value: number }
  | { readonly op: "swap"; readonly cell: string; readonly value: number }
  | { readonly op: "fetchAdd"; readonly cell: string; readonly value: number }
  | { readonly op: "fetchOr"; readonly cell: string; readonly value: number }
  | { readonly op: "fetchAnd"; readonly cell: string; readonly value: number }
  | { readonly op: "cas"; readonly cell: string; readonly expected: number; readonly value: number }
  | { readonly op: "lock" | "unlock"; readonly mutex: string }
  | { readonly op: "wake"; readonly task: string }
  | { readonly op: "local"; readonly name: string };

/** A thread: yields ops, gets each op's result back, may return a value for the final check. */
export type ThreadBody = Generator<Op, string | void, number>;

export interface Program {
  readonly cells: Readonly<Record<string, number>>;
  readonly threads: readonly (() => ThreadBody)[];
  /** Failures seen at the end (a lost wakeup, a broken invariant), from the final cells. */
  readonly check?: (cells: Readonly<Record<string, number>>, returned: readonly unknown[]) => string[];
}

export interface RunResult {
  /** Final cells (and "deadlock" if threads were left blocked), as one string. */
  readonly final: string;
  readonly failures: readonly string[];
  /** The threads in the order they ran. */
  readonly schedule: readonly number[];
  /** The run was stopped by the explorer (sleep-set blocked): no final state. */
  readonly stopped: boolean;
  /** A canonical name of the run's Mazurkiewicz trace: its events and the order of dependent pairs. */
  readonly trace: string;
}

const load = (cell: string): Op => ({ op: "load", cell });
const store = (cell: string, value: number): Op => ({ op: "store", cell, value });
export const ops = {
  load,
  store,
  swap: (cell: string, value: number): Op => ({ op: "swap", cell, value }),
  fetchAdd: (cell: string, value: number): Op => ({ op: "fetchAdd", cell, value }),
  fetchOr: (cell: string, value: number): Op => ({ op: "fetchOr", cell, value }),
  fetchAnd: (cell: string, value: number): Op => ({ op: "fetchAnd", cell, value }),
  cas: (cell: string, expected: number, value: number): Op => ({ op: "cas", cell, expected, value }),
  lock: (mutex: string): Op => ({ op: "lock", mutex }),
  unlock: (mutex: string): Op => ({ op: "unlock", mutex }),
  wake: (task: string): Op => ({ op: "wake", task }),
  local: (name: string): Op => ({ op: "local", name }),
};

/** Executes one op on the cells: its result and its access as it happened (a failed CAS reads). */
function execute(o: Op, cells: Record<string, number>, holder: Map<string, number>, t: number): [number, Access] {
  switch (o.op) {
    case "load":
      return [cells[o.cell] ?? 0, { object: o.cell, kind: "read" }];
    case "store":
      cells[o.cell] = o.value;
      return [0, { object: o.cell, kind: "write" }];
    case "cas": {
      const old = cells[o.cell] ?? 0;
      if (old !== o.expected) return [old, { object: o.cell, kind: "read" }];
      cells[o.cell] = o.value;
      return [old, { object: o.cell, kind: "rmw" }];
    }
    case "swap":
    case "fetchAdd":
    case "fetchOr":
    case "fetchAnd": {
      const old = cells[o.cell] ?? 0;
      const f = { swap: () => o.value, fetchAdd: () => old + o.value, fetchOr: () => old | o.value, fetchAnd: () => old & o.value };
      cells[o.cell] = f[o.op]();
      return [old, { object: o.cell, kind: "rmw" }];
    }
    case "lock":
      holder.set(o.mutex, t);
      return [0, { object: o.mutex, kind: "lock" }];
    case "unlock":
      holder.delete(o.mutex);
      return [0, { object: o.mutex, kind: "unlock" }];
    case "wake":
      cells[`woken:${o.task}`] = (cells[`woken:${o.task}`] ?? 0) + 1;
      return [0, { object: `task:${o.task}`, kind: "wake" }];
    case "local":
      return [0, { object: o.name, kind: "local" }];
  }
}

export function runProgram(p: Program, run: ThreadRun, dependent: (a: Access, b: Access) => boolean): RunResult {
  const cells: Record<string, number> = { ...p.cells };
  const holder = new Map<string, number>();
  const bodies = p.threads.map((f) => f());
  const pending: (Op | undefined)[] = bodies.map((b, t) => {
    const r = b.next();
    if (r.done) returned[t] = r.value;
    return r.done ? undefined : r.value;
  });
  const returned: unknown[] = [];
  const schedule: number[] = [];
  const events: { thread: number; access: Access }[] = [];
  let stopped = false;
  for (;;) {
    const enabled = pending.flatMap((o, t) => (o === undefined || (o.op === "lock" && holder.has(o.mutex)) ? [] : [t]));
    const waiting = pending.flatMap((o, t) => (o?.op === "lock" && holder.has(o.mutex) ? [{ thread: t, access: { object: o.mutex, kind: "lock" } as const }] : []));
    if (enabled.length === 0 && waiting.length === 0) break;
    const t = run.next(enabled, waiting);
    if (t === undefined) {
      stopped = enabled.length > 0;
      break;
    }
    if (!enabled.includes(t)) throw new Error(`scheduler chose thread ${t}, not enabled`);
    const [result, access] = execute(pending[t]!, cells, holder, t);
    run.executed(access);
    schedule.push(t);
    events.push({ thread: t, access });
    const r = bodies[t]!.next(result);
    if (r.done) returned[t] = r.value;
    pending[t] = r.done ? undefined : r.value;
  }
  const deadlock = pending.some((o) => o !== undefined) && !stopped;
  const failures = stopped ? [] : [...(deadlock ? ["deadlock"] : []), ...(p.check?.(cells, returned) ?? [])];
  const final = JSON.stringify(Object.entries(cells).sort()) + (deadlock ? " deadlock" : "");
  return { final, failures, schedule, stopped, trace: traceName(events, dependent) };
}

/** Events named thread.localIndex:access; the trace = those names + every dependent pair in order. */
function traceName(events: readonly { thread: number; access: Access }[], dependent: (a: Access, b: Access) => boolean): string {
  const count = new Map<number, number>();
  const names = events.map((e) => {
    const n = (count.get(e.thread) ?? 0) + 1;
    count.set(e.thread, n);
    return `${e.thread}.${n}:${e.access.kind}:${e.access.object}`;
  });
  const pairs: string[] = [];
  for (let j = 0; j < events.length; j++) {
    for (let i = 0; i < j; i++) {
      if (events[i]!.thread !== events[j]!.thread && dependent(events[i]!.access, events[j]!.access)) pairs.push(`${names[i]}<${names[j]}`);
    }
  }
  return [...names].sort().join(" ") + " | " + pairs.sort().join(" ");
}
