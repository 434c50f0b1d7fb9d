/**
 * Chrome trace-event export (DESIGN §5, issue 6 "Visual traces"): a traced run as the JSON object
 * format of the trace-event spec, which Perfetto and chrome://tracing open. The lane layout it
 * is drawn from (`layoutTrace`) is shared with the HTML report, so both show the same picture.
 *
 * Layout invariants:
 *  1. Lane 0 is the world (the reactor: deliveries, clock jumps, choices made between polls);
 *     then one lane per task, in order of first appearance in the trace.
 *  2. Every trace event gets one slot, in trace order. A poll is a slice from its TaskPolled to
 *     the last event of the same step before the next poll, delivery or clock jump — so the
 *     result, the finish and the wakes a task issues while finishing (the joiner's wake) lie in
 *     it. A delivery is a reactor slice covering the wakes it issues. A wake issued where no
 *     slice of the waker is open gets a one-slot slice of its own, so every wake has a source.
 *  3. A wake links that source slice to the woken task's NEXT poll slice; a wake never followed
 *     by a poll of its task (the task finished, or the executor lost it) has `to: null`.
 *  4. Runnable tasks are counted from the trace alone: spawned or woken (not ignored), and not
 *     polled or finished since.
 *  5. Pure function of the trace and `meta`: no real time, so the same run gives the same JSON.
 *  6. In the JSON, lane L is tid L + 1: Perfetto reads tid 0 as "no tid" and files such events
 *     under the pid's main thread, which would merge the reactor's lane with the first task's.
 *
 * Clock: Chrome's `ts` is in µs; here one slot is SLOT_US of them and virtual time is the ruler:
 * ts = t × tickWidth + SLOT_US × (index of the event among the events at virtual time t), with
 * tickWidth = SLOT_US × (most events at one virtual time + 1) — so ⌊ts / tickWidth⌋ is the
 * virtual time and slices at the same virtual time never overlap. Flow points sit 1 µs into a
 * slot and slices end 2 µs into their last slot, strictly inside and before the next slot. When
 * t × tickWidth would lose integer precision, ts falls back to SLOT_US × slot (`clock.mode`).
 */
import type { Outcome } from "../sim/outcome.js";
import type { TraceEvent } from "../trace/event.js";

export type ChromePhase = "M" | "X" | "i" | "s" | "f" | "C";

export interface ChromeTraceEvent {
  readonly name: string;
  readonly cat?: string;
  readonly ph: ChromePhase;
  readonly ts?: number;
  readonly dur?: number;
  readonly pid: number;
  readonly tid: number;
  readonly id?: number;
  readonly bp?: "e";
  readonly s?: "t";
  readonly args?: Readonly<Record<string, string | number | boolean | null>>;
}

export interface ChromeTrace {
  readonly traceEvents: readonly ChromeTraceEvent[];
  readonly displayTimeUnit: "ns";
  readonly metadata: Readonly<Record<string, unknown>>;
}

export interface ChromeTraceMeta {
  readonly scenario: string;
  readonly seed?: number | string;
  readonly version: string;
}

export interface LaneSlice {
  readonly lane: number;
  readonly start: number;
  end: number;
  readonly name: string;
  /** A poll, a reactor delivery, or the one-slot source of a wake issued outside both. */
  readonly kind: "poll" | "delivery" | "wake-source";
  readonly generation: number | null;
  result: "ready" | "pending" | "panicked" | null;
  readonly step: number;
  readonly time: number;
}

export interface LaneInstant {
  readonly lane: number;
  readonly slot: number;
  readonly name: string;
  readonly kind: "spawned" | "result" | "woken" | "finished" | "note" | "dropped" | "choice" | "clock" | "violation";
  readonly args: Readonly<Record<string, string | number | boolean>>;
}

export interface LaneWake {
  /** The source slice (index into `slices`) and the slot of the wake. */
  readonly from: number;
  readonly slot: number;
  /** The woken task's next poll slice, or null when it was never polled again. */
  to: number | null;
  /** The woken task and its lane. */
  readonly task: string;
  readonly lane: number;
  readonly by: string | null;
  readonly waker: string;
  readonly stale: boolean;
  readonly effect: string;
  /** The wake had no effect (the task had finished, or a stale waker was made inert). */
  readonly ignored: boolean;
}

export interface TraceLayout {
  /** Lane names: [0] is the world (reactor), then the tasks. */
  readonly lanes: readonly string[];
  readonly slots: readonly { readonly step: number; readonly time: number; readonly choice: boolean }[];
  readonly slices: readonly LaneSlice[];
  readonly instants: readonly LaneInstant[];
  readonly wakes: readonly LaneWake[];
  /** Runnable-task count, recorded at each slot where it changes. */
  readonly runnable: readonly { readonly slot: number; readonly count: number }[];
}

export const WORLD_LANE_NAME = "world (reactor)";
const SLOT_US = 4;
const PID = 1;
const tidOf = (lane: number): number => lane + 1;

/** Lays a trace out in lanes, slots, slices, instants and wakes (invariants 1–4). */
export function layoutTrace(trace: readonly TraceEvent[], taskNames: readonly string[] = []): TraceLayout {
  const lanes = [WORLD_LANE_NAME];
  const laneOf = new Map<string, number>();
  const lane = (task: string): number => {
    let l = laneOf.get(task);
    if (l === undefined) {
      l = lanes.length;
      lanes.push(task);
      laneOf.set(task, l);
    }
    return l;
  };
  const slots: { step: number; time: number; choice: boolean }[] = [];
  const slices: LaneSlice[] = [];
  const instants: LaneInstant[] = [];
  const wakes: LaneWake[] = [];
  const runnable: { slot: number; count: number }[] = [];
  const awaitingPoll = new Map<number, number[]>(); // lane → wakes waiting for that task's next poll
  const lastPoll = new Map<number, number>();
  const queue = new Set<string>();
  let open: number | null = null;
  let time = 0;

  const openSlice = (s: Omit<LaneSlice, "end" | "result">, result: LaneSlice["result"] = null): number => {
    slices.push({ ...s, end: s.start, result });
    return slices.length - 1;
  };
  const instant = (l: number, slot: number, name: string, kind: LaneInstant["kind"], args: LaneInstant["args"] = {}) =>
    instants.push({ lane: l, slot, name, kind, args });

  for (const e of trace) {
    if (e.type === "ClockAdvanced") time = e.to;
    else if (e.type !== "ChoiceMade") time = e.time;
    const slot = slots.length;
    slots.push({ step: e.step, time, choice: e.type === "ChoiceMade" });
    // Choices can be made inside a poll (I/O, latency): they do not end it. A new step does.
    if (open !== null && (e.step !== slices[open]!.step || e.type === "TaskPolled" || e.type === "EventDelivered" || e.type === "ClockAdvanced")) open = null;
    if (open !== null) slices[open]!.end = slot;
    switch (e.type) {
      case "TaskSpawned":
        instant(lane(e.task), slot, e.by === null ? "spawned" : `spawned by ${e.by}`, "spawned");
        queue.add(e.task);
        break;
      case "TaskPolled": {
        const l = lane(e.task);
        open = openSlice({ lane: l, start: slot, name: `poll g${e.generation}`, kind: "poll", generation: e.generation, step: e.step, time });
        lastPoll.set(l, open);
        for (const w of awaitingPoll.get(l) ?? []) wakes[w]!.to = open;
        awaitingPoll.delete(l);
        queue.delete(e.task);
        break;
      }
      case "PollReturned": {
        const l = lane(e.task);
        const s = lastPoll.get(l);
        if (s !== undefined) slices[s]!.result = e.result;
        instant(l, slot, `→ ${e.result}`, "result", { result: e.result });
        break;
      }
      case "WakeIssued": {
        const src = e.by === null ? 0 : lane(e.by);
        if (open === null || slices[open]!.lane !== src) {
          const name = e.by === null ? "reactor wake" : `wake outside a poll of ${e.by}`;
          open = openSlice({ lane: src, start: slot, name, kind: "wake-source", generation: null, step: e.step, time });
        }
        const ignored = e.effect === "finished" || e.effect.startsWith("ignored");
        const l = lane(e.task);
        wakes.push({ from: open, slot, to: null, task: e.task, lane: l, by: e.by, waker: e.waker, stale: e.stale, effect: e.effect, ignored });
        if (!ignored) awaitingPoll.set(l, [...(awaitingPoll.get(l) ?? []), wakes.length - 1]);
        const who = e.by === null ? "reactor" : e.by === e.task ? "itself" : e.by;
        instant(l, slot, `woken by ${who}${e.stale ? " (stale)" : ""}`, "woken", { waker: e.waker, by: e.by ?? "reactor", stale: e.stale, effect: e.effect });
        if (!ignored) queue.add(e.task);
        break;
      }
      case "ChoiceMade":
        instant(open === null ? 0 : slices[open]!.lane, slot, `choose ${e.kind} ${e.chosen}/${e.n}`, "choice", { kind: e.kind, chosen: e.chosen, n: e.n });
        break;
      case "EventDelivered":
        open = openSlice({ lane: 0, start: slot, name: `deliver ${e.event}`, kind: "delivery", generation: null, step: e.step, time });
        break;
      case "ClockAdvanced":
        instant(0, slot, `clock ${e.from} → ${e.to}`, "clock", { from: e.from, to: e.to });
        break;
      case "TaskFinished":
        instant(lane(e.task), slot, `finished: ${e.outcome}`, "finished", { outcome: e.outcome });
        queue.delete(e.task);
        break;
      case "FutureDropped":
        instant(e.task === null ? 0 : lane(e.task), slot, `✂ dropped ${e.future} (${e.reason})`, "dropped", { future: e.future, reason: e.reason });
        break;
      case "Note":
        instant(e.task === null ? 0 : lane(e.task), slot, e.text, "note");
        break;
      case "ViolationReported": {
        instant(0, slot, `VIOLATION ${e.kind}`, "violation", { kind: e.kind, tasks: e.tasks });
        for (const t of e.tasks === "" ? [] : e.tasks.split(",")) instant(lane(t), slot, `✗ ${e.kind}`, "violation", { kind: e.kind });
        break;
      }
      default: {
        const unknown: never = e; // a new event type must be laid out here
        return unknown;
      }
    }
    if (runnable[runnable.length - 1]?.count !== queue.size) runnable.push({ slot, count: queue.size });
  }
  for (const t of taskNames) lane(t);
  return { lanes, slots, slices, instants, wakes, runnable };
}

/** Slot → µs (see the header's "Clock"); `describe` is the mapping as recorded in the metadata. */
export function slotClock(layout: TraceLayout): { ts(slot: number): number; readonly describe: Readonly<Record<string, string | number>> } {
  const offsets: number[] = [];
  let most = 0;
  let maxTime = 0;
  layout.slots.forEach((s, i) => {
    const prev = layout.slots[i - 1];
    const off = prev !== undefined && prev.time === s.time ? offsets[i - 1]! + 1 : 0;
    offsets.push(off);
    most = Math.max(most, off + 1);
    maxTime = Math.max(maxTime, s.time);
  });
  const tickWidth = SLOT_US * (most + 1);
  if (maxTime * tickWidth + tickWidth < 2 ** 50) {
    return {
      ts: (slot) => (layout.slots[slot]?.time ?? maxTime) * tickWidth + SLOT_US * (offsets[slot] ?? 0),
      describe: {
        mode: "virtual-time",
        mapping: "ts = t * tickWidthUs + slotUs * (index of the event among the events at virtual time t); virtual time t = floor(ts / tickWidthUs)",
        tickWidthUs: tickWidth,
        slotUs: SLOT_US,
      },
    };
  }
  return {
    ts: (slot) => SLOT_US * slot,
    describe: { mode: "slots", mapping: "ts = slotUs * (index of the event in the trace); virtual time is in each event's args.t", slotUs: SLOT_US },
  };
}

/**
 * The outcome's trace in Chrome's trace-event format (opens in Perfetto or chrome://tracing):
 * a lane per task and one for the reactor, polls as slices, results and events as instants,
 * wakes as flow arrows to the woken task's next poll, runnable tasks and virtual time as
 * counters; scenario, seed, token, version and violations in `metadata`. An untraced outcome
 * gives the lanes and metadata only (replay it: `replay()` always traces).
 */
export function toChromeTrace(outcome: Outcome, meta: ChromeTraceMeta): ChromeTrace {
  const layout = layoutTrace(outcome.trace ?? [], outcome.tasks.map((t) => t.name));
  const clock = slotClock(layout);
  const head: ChromeTraceEvent[] = [{ name: "process_name", ph: "M", pid: PID, tid: tidOf(0), args: { name: `wakesim: ${meta.scenario}` } }];
  layout.lanes.forEach((name, lane) => {
    head.push({ name: "thread_name", ph: "M", pid: PID, tid: tidOf(lane), args: { name } });
    head.push({ name: "thread_sort_index", ph: "M", pid: PID, tid: tidOf(lane), args: { sort_index: lane } });
  });

  const body: ChromeTraceEvent[] = [];
  for (const s of layout.slices) {
    const ts = clock.ts(s.start);
    const args = s.kind === "poll" ? { generation: s.generation, result: s.result ?? "unfinished", step: s.step, t: s.time } : { step: s.step, t: s.time };
    body.push({ name: s.name, cat: s.kind, ph: "X", ts, dur: clock.ts(s.end) + 2 - ts, pid: PID, tid: tidOf(s.lane), args });
  }
  for (const i of layout.instants) {
    const at = layout.slots[i.slot]!;
    body.push({ name: i.name, cat: i.kind, ph: "i", ts: clock.ts(i.slot), pid: PID, tid: tidOf(i.lane), s: "t", args: { ...i.args, step: at.step, t: at.time } });
  }
  layout.wakes.forEach((w, k) => {
    if (w.to === null) return; // no next poll to point at: the "woken" instant tells the story
    const id = k + 1;
    const name = w.stale ? "wake (stale)" : "wake";
    body.push({ name, cat: "wake", ph: "s", ts: clock.ts(w.slot) + 1, pid: PID, tid: tidOf(layout.slices[w.from]!.lane), id, args: { task: w.task, waker: w.waker, effect: w.effect } });
    const target = layout.slices[w.to]!;
    body.push({ name, cat: "wake", ph: "f", bp: "e", ts: clock.ts(target.start) + 1, pid: PID, tid: tidOf(target.lane), id });
  });
  for (const r of layout.runnable) body.push({ name: "runnable tasks", ph: "C", ts: clock.ts(r.slot), pid: PID, tid: tidOf(0), args: { runnable: r.count } });
  layout.slots.forEach((s, i) => {
    if (i === 0 || layout.slots[i - 1]!.time !== s.time) body.push({ name: "virtual time", ph: "C", ts: clock.ts(i), pid: PID, tid: tidOf(0), args: { t: s.time } });
  });
  body.sort((a, b) => (a.ts ?? 0) - (b.ts ?? 0)); // stable: same-ts events keep their order

  return {
    traceEvents: [...head, ...body],
    displayTimeUnit: "ns",
    metadata: {
      scenario: meta.scenario,
      seed: meta.seed ?? outcome.seed,
      token: outcome.token,
      version: meta.version,
      chooser: outcome.chooser,
      faults: [...outcome.faults],
      status: outcome.status,
      ok: outcome.ok,
      steps: outcome.steps,
      polls: outcome.polls,
      time: outcome.time,
      violations: outcome.violations.map((v) => ({ kind: v.kind, message: v.message, tasks: [...v.tasks], step: v.step, time: v.time })),
      clock: clock.describe,
      traced: outcome.trace !== null,
    },
  };
}
