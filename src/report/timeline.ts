/**
 * Timeline: a trace laid out for reading — one row per event (choices left out), with its step
 * and virtual time, a "world" column for reactor events (deliveries, clock jumps, notes) and one
 * lane per task for what happened to that task (polls, results, wakes and who woke it, finish).
 *
 * Invariants:
 *  1. Output is a pure function of (trace, options): no widths from the terminal, no colour,
 *     no trailing spaces — so it is byte-stable and can sit in a snapshot.
 *  2. Trimming keeps the first `headRows` rows, the last `maxRows` rows, and rows touching a
 *     `focus` task (bounded by `maxRows`, preferring notable rows: not routine poll/pending/self-
 *     wake). Every omitted run becomes one line saying how many rows, which steps and what they
 *     were; a run of a single row is shown instead, as the line would be no shorter.
 *  3. Lanes appear in order of the tasks' first event, and only for tasks with a shown row.
 *  4. A dropped future (a cancelled task: its future's drop() ran) is always shown, as
 *     "✂ dropped": what a task stopped doing matters as much as what it did, and a drop deep in
 *     a long run must not vanish into "… 1 note". A select/race/timeout loser dropped inside a
 *     poll ("✂ dropped recv (select: branch 1 won)") is a notable row of its task's lane, but
 *     trimmed like any other (a select in a loop drops one every turn); omitted, it is counted
 *     among "futures dropped".
 */
import type { TraceEvent } from "../trace/event.js";

export interface TimelineOptions {
  /** Rows kept before the end of the trace (default 60). */
  readonly maxRows?: number;
  /** Rows always kept at the start (default 6). */
  readonly headRows?: number;
  /** Tasks whose rows are kept wherever they are (the tasks a violation names). */
  readonly focus?: readonly string[];
  /** Widest a lane may get, in characters; longer names and cells are cut with "…" (default 28). */
  readonly maxLaneWidth?: number;
  /** Prefix of every line (default ""). */
  readonly indent?: string;
}

interface Row {
  readonly step: number;
  readonly time: number;
  /** What to show where: a task's lane, or null for the world column. */
  readonly cells: ReadonlyMap<string | null, string>;
  /** Tasks the row involves: its lane, and who woke or spawned it. */
  readonly touches: readonly string[];
  readonly notable: boolean;
  readonly event: TraceEvent;
}

const WORLD_MAX = 32;

/** The Note the simulation records when it drops a task's future (cancellation: abort, the cancel fault). */
export function isDrop(e: TraceEvent): boolean {
  return e.type === "Note" && e.task !== null && DROPPED.test(e.text);
}

/** The text of that Note (src/sim/step-loop.ts cancel()). */
export const DROPPED = /^cancelled\b.*\bdropped\b/;

/** Formats a trace as a lane timeline; "" for an empty trace. */
export function formatTimeline(trace: readonly TraceEvent[], opts: TimelineOptions = {}): string {
  const rows = toRows(trace);
  if (rows.length === 0) return "";
  const keep = selectRows(rows, opts.maxRows ?? 60, opts.headRows ?? 6, new Set(opts.focus ?? []));
  const cap = Math.max(6, opts.maxLaneWidth ?? 28);

  const lanes: string[] = [];
  const laneWidth = new Map<string, number>();
  let worldWidth = 0;
  let stepWidth = "step".length;
  let timeWidth = "t".length;
  rows.forEach((r, i) => {
    if (!keep[i]) return;
    stepWidth = Math.max(stepWidth, String(r.step).length);
    timeWidth = Math.max(timeWidth, String(r.time).length);
    for (const [lane, cell] of r.cells) {
      if (lane === null) {
        worldWidth = Math.max(worldWidth, "world".length, cell.length);
        continue;
      }
      if (!laneWidth.has(lane)) lanes.push(lane);
      laneWidth.set(lane, Math.max(laneWidth.get(lane) ?? 6, lane.length, cell.length));
    }
  });
  worldWidth = Math.min(worldWidth, WORLD_MAX);
  for (const [l, w] of laneWidth) laneWidth.set(l, Math.min(w, cap));

  const indent = opts.indent ?? "";
  const line = (step: string, time: string, world: string, cells: (lane: string) => string) => {
    const cols = [`${step.padStart(stepWidth)}  ${time.padStart(timeWidth)}`];
    if (worldWidth > 0) cols.push(fit(world, worldWidth));
    for (const l of lanes) cols.push(fit(cells(l), laneWidth.get(l)!));
    return (indent + cols.join(" │ ")).trimEnd();
  };
  const out = [line("step", "t", "world", (l) => l)];
  out.push(indent + [stepWidth + 2 + timeWidth, ...(worldWidth > 0 ? [worldWidth] : []), ...lanes.map((l) => laneWidth.get(l)!)].map((w) => "─".repeat(w)).join("─┼─"));
  for (let i = 0; i < rows.length; ) {
    if (keep[i]) {
      const r = rows[i]!;
      out.push(line(String(r.step), String(r.time), r.cells.get(null) ?? "", (l) => r.cells.get(l) ?? ""));
      i++;
      continue;
    }
    let j = i;
    while (j < rows.length && !keep[j]) j++;
    out.push(`${indent}${omitted(rows.slice(i, j))}`);
    i = j;
  }
  return out.join("\n");
}

function toRows(trace: readonly TraceEvent[]): Row[] {
  const rows: Row[] = [];
  const add = (e: TraceEvent, time: number, lane: string | null, cell: string, notable: boolean, other: string | null = null) =>
    rows.push({ step: e.step, time, cells: new Map([[lane, cell]]), notable, event: e, touches: [...(lane === null ? [] : [lane]), ...(other === null ? [] : [other])] });
  for (const e of trace) {
    switch (e.type) {
      case "ChoiceMade":
        break; // the schedule is the token; the rows already show what each choice led to
      case "TaskSpawned":
        add(e, e.time, e.task, e.by === null ? "spawned" : `spawned by ${e.by}`, true, e.by);
        break;
      case "TaskPolled":
        add(e, e.time, e.task, `poll g${e.generation}`, false);
        break;
      case "PollReturned":
        add(e, e.time, e.task, e.result === "ready" ? "→ ready" : e.result === "pending" ? "→ pending" : "→ PANIC", e.result !== "pending");
        break;
      case "WakeIssued": {
        const self = e.by === e.task;
        const cell = `woken by ${self ? "itself" : (e.by ?? "reactor")}${e.stale ? " (stale)" : ""}`;
        add(e, e.time, e.task, cell, e.stale || !self, e.by);
        break;
      }
      case "TaskFinished":
        add(e, e.time, e.task, `finished: ${e.outcome}`, true);
        break;
      case "EventDelivered":
        add(e, e.time, null, `deliver ${e.event}`, true);
        break;
      case "ClockAdvanced":
        add(e, e.to, null, `clock ${e.from} → ${e.to}`, true);
        break;
      case "FutureDropped":
        add(e, e.time, e.task, `✂ dropped ${e.future} (${e.reason})`, true);
        break;
      case "Note":
        add(e, e.time, e.task, e.task === null ? `note: ${e.text}` : isDrop(e) ? "✂ dropped (cancelled)" : e.text, true);
        break;
      case "ViolationReported": {
        // Marked in the world column and in the lane of every task it names.
        const tasks = e.tasks === "" ? [] : e.tasks.split(",");
        const cells = new Map<string | null, string>([[null, `VIOLATION ${e.kind}`]]);
        for (const t of tasks) cells.set(t, `✗ ${e.kind}`);
        rows.push({ step: e.step, time: e.time, cells, notable: true, event: e, touches: tasks });
        break;
      }
      default: {
        const unknown: never = e; // a new event type must get a row here
        return unknown;
      }
    }
  }
  return rows;
}

function selectRows(rows: readonly Row[], maxRows: number, headRows: number, focus: ReadonlySet<string>): boolean[] {
  const n = rows.length;
  const tailFrom = Math.max(0, n - Math.max(0, maxRows));
  const keep = rows.map((_, i) => i < headRows || i >= tailFrom);
  let middle: number[] = [];
  for (let i = headRows; i < tailFrom; i++) if (rows[i]!.touches.some((t) => focus.has(t))) middle.push(i);
  if (middle.length > maxRows) middle = middle.filter((i) => rows[i]!.notable);
  for (const i of middle.slice(-maxRows)) keep[i] = true;
  for (let i = headRows; i < tailFrom; i++) if (isDrop(rows[i]!.event)) keep[i] = true;
  // A gap of one row would be replaced by a line just as long: show the row.
  for (let i = 0; i < n; i++) if (!keep[i] && (i === 0 || keep[i - 1]) && (i === n - 1 || keep[i + 1])) keep[i] = true;
  return keep;
}

/** `… 120 rows omitted (steps 14–133: 97 polls of worker, 3 deliveries)` */
function omitted(rows: readonly Row[]): string {
  const polls = new Map<string, number>();
  let deliveries = 0;
  let clock = 0;
  let spawns = 0;
  let finishes = 0;
  let wakes = 0;
  let notes = 0;
  let drops = 0;
  let violations = 0;
  for (const r of rows) {
    const e = r.event;
    if (e.type === "TaskPolled") polls.set(e.task, (polls.get(e.task) ?? 0) + 1);
    else if (e.type === "EventDelivered") deliveries++;
    else if (e.type === "ClockAdvanced") clock++;
    else if (e.type === "TaskSpawned") spawns++;
    else if (e.type === "TaskFinished") finishes++;
    else if (e.type === "WakeIssued") wakes++;
    else if (isDrop(e) || e.type === "FutureDropped") drops++;
    else if (e.type === "Note") notes++;
    else if (e.type === "ViolationReported") violations++;
  }
  // Most-polled first; ties keep the order of first appearance (Map order, stable sort).
  const byCount = [...polls].sort((a, b) => b[1] - a[1]);
  const parts = byCount.slice(0, 3).map(([t, k]) => `${plural(k, "poll")} of ${t}`);
  const rest = byCount.slice(3);
  if (rest.length > 0) parts.push(`${plural(rest.reduce((s, [, k]) => s + k, 0), "poll")} of ${plural(rest.length, "other task")}`);
  if (deliveries > 0) parts.push(plural(deliveries, "delivery", "deliveries"));
  if (clock > 0) parts.push(plural(clock, "clock jump"));
  if (spawns > 0) parts.push(plural(spawns, "spawn"));
  if (finishes > 0) parts.push(plural(finishes, "task finished", "tasks finished"));
  if (drops > 0) parts.push(plural(drops, "future dropped", "futures dropped"));
  if (notes > 0) parts.push(plural(notes, "note"));
  if (violations > 0) parts.push(plural(violations, "violation"));
  if (parts.length === 0 && wakes > 0) parts.push(plural(wakes, "wake"));
  const first = rows[0]!.step;
  const last = rows[rows.length - 1]!.step;
  const steps = first === last ? `step ${first}` : `steps ${first}–${last}`;
  return `… ${plural(rows.length, "row")} omitted (${steps}${parts.length > 0 ? `: ${parts.join(", ")}` : ""})`;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * Pads or cuts (with "…") to exactly `w` characters; a short " (…)" suffix such as " (stale)"
 * survives the cut — except " (anonymous)", the name of a host timer's arrow-function callback,
 * which says less than the timer's id it would push out ("deliver setTimeout#1980 (anonym…").
 */
function fit(s: string, w: number): string {
  if (s.length <= w) return s.padEnd(w);
  const suffix = / \([^()]*\)$/.exec(s)?.[0] ?? "";
  const keep = suffix.length > 0 && suffix.length <= w / 2 && suffix !== " (anonymous)" ? suffix : "";
  return `${s.slice(0, Math.max(0, w - 1 - keep.length))}…${keep}`;
}
