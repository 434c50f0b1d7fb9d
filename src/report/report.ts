/**
 * The failure report (DESIGN §5, last paragraph; STYLE "Messages to users"): what happened,
 * with the tasks named; why it usually happens; hints; how to reproduce it (token, seed,
 * strategy and the exact command); and a lane timeline of the failing run.
 *
 * Invariants:
 *  1. The report is a pure function of (outcome, context): no timestamps, no terminal widths,
 *     no absolute paths other than `ctx.file` (stack frames are cut to their file's base name).
 *  2. Colour, when asked for, is added to whole lines after layout, so it never shifts columns.
 *  3. The raw trace is not printed: `formatTrace` exists for that.
 */
import type { Outcome } from "../sim/outcome.js";
import type { StuckTask, Violation } from "../oracles/violation.js";
import { violationSubKind } from "../oracles/vocabulary.js";
import { isAsyncTaskLabel } from "../promise/async-task.js";
import { ansi } from "./ansi.js";
import { contractTitle, DIAGNOSIS_LABEL, explainAll } from "./explain.js";
import { formatTimeline } from "./timeline.js";

export interface ReportContext {
  /** The scenario's name, for the headline. */
  readonly scenario: string;
  /** How the user runs wakesim (default "npx wakesim"). */
  readonly command?: string;
  /** The scenario file, for the replay command. Without it the report shows `replay(scenario, token)`. */
  readonly file?: string;
  /** The seed of the failing run, when a seeded strategy found it. */
  readonly seed?: number | string;
  /** The strategy that found it (default: the outcome's chooser). */
  readonly strategy?: string;
  /** How many runs it took to find. */
  readonly runs?: number;
  /** Extra CLI flags the replay needs, e.g. "--executor fifo" (fault kinds travel in the token). */
  readonly flags?: string;
  /** Timeline rows kept before the end of the run (default 60). */
  readonly maxTimelineRows?: number;
  /** ANSI colour for a terminal (default false). */
  readonly color?: boolean;
}

/** A report context's parts other than the scenario, each of which may be unknown (undefined). */
export type ReportParts = { readonly [K in Exclude<keyof ReportContext, "scenario">]?: ReportContext[K] | undefined };

/** The report context of `scenario` with the parts that are known: an undefined part is left out, so the report uses its default. */
export function reportContext(scenario: string, parts: ReportParts): ReportContext {
  const ctx: Record<string, unknown> & { scenario: string } = { scenario };
  for (const [k, v] of Object.entries(parts)) if (v !== undefined) ctx[k] = v;
  return ctx as ReportContext;
}

const WIDTH = 100;
const I1 = "  ";
const I2 = "    ";

/** The human-readable report of one outcome. */
export function formatReport(outcome: Outcome, ctx: ReportContext): string {
  const color = ctx.color ?? false;
  const vs = outcome.violations;
  const title = (s: string) => (color ? ansi("bold", s) : s);
  const sections: string[][] = [[headline(outcome, ctx.scenario, color)]];

  if (!outcome.ok) {
    const what = [title("What happened"), ...wrap(runLine(outcome), I1)];
    vs.forEach((v, i) => what.push("", ...violationBlock(v, vs.length > 1 ? `${i + 1}. ` : "")));
    sections.push(what);
    const ex = explainAll(vs);
    if (ex.length > 0) {
      sections.push([title("Why this usually happens"), ...ex.flatMap((e, i) => [...(i > 0 ? [""] : []), ...wrap(`${e.title}: ${e.why}`, I1, I2)])]);
      // With several bug classes, each group of hints is headed by its class.
      const group = ex.length > 1;
      const pad = group ? I2 : I1;
      sections.push([title("Hints"), ...ex.flatMap((e) => [...(group ? [`${I1}${e.title}:`] : []), ...e.hints.flatMap((h) => wrap(`- ${h}`, pad, `${pad}  `))])]);
    }
    const kind = maskingNote(outcome);
    if (kind !== null) sections.push([title("Masking"), ...wrap(kind, I1, I1)]);
  }
  sections.push([title("Reproduce"), ...reproduce(outcome, ctx)]);

  if (outcome.trace !== null && outcome.trace.length > 0) {
    const focus = [...new Set(vs.flatMap((v) => [...v.tasks, ...(v.kind === "lost-wakeup" ? v.stuck.map((s) => s.task) : [])]))];
    const rows = ctx.maxTimelineRows ?? 60;
    const timeline = formatTimeline(outcome.trace, { maxRows: rows, focus, indent: I1 });
    sections.push([title(`Timeline (${outcome.trace.length} trace events; step, virtual time t, one lane per task)`), timeline]);
  }
  return sections.map((s) => s.join("\n")).join("\n\n");
}

/**
 * The "too kind" switches: a lost wakeup found with spurious wakeups off may hide under them (a
 * spurious wakeup, or a combinator that re-polls every child on any wake, polls the stranded
 * future anyway), so a runtime that wakes spuriously would show it rarely, not never. An async
 * task stuck on an await is not masked so: re-polled, its promise is still pending.
 */
function maskingNote(o: Outcome): string | null {
  // Not for async tasks stuck on an await: a spurious poll of one finds its promise still pending.
  const maskable = (v: Violation) => v.kind === "stale-waker" || (v.kind === "lost-wakeup" && (v.stuck.length === 0 || v.stuck.some((s) => !isAsyncTaskLabel(s.awaiting))));
  if (!o.violations.some(maskable)) return null;
  const off = (["spurious-wake", "spurious-readiness"] as const).filter((f) => !o.faults.includes(f));
  if (off.length === 0) {
    return "Found with spurious wakeups on: this lost wakeup shows even though spurious wakeups could have re-polled the stranded task.";
  }
  return (
    `Found with ${off.join(" and ")} off. Spurious wakeups, and combinators that re-poll every child on any wake (join), ` +
    `can mask a lost wakeup by polling the stranded future anyway: on a runtime that wakes spuriously this bug shows rarely, not never — it is still a bug.`
  );
}

function headline(o: Outcome, scenario: string, color: boolean): string {
  if (o.ok) {
    const s = `${scenario}: ok — ${o.status} after ${plural(o.steps, "step")} (${plural(o.polls, "poll")}), t=${o.time}`;
    return color ? ansi("green", s) : s;
  }
  const first = o.violations[0];
  const more = o.violations.length > 1 ? ` (+${o.violations.length - 1} more)` : "";
  const what = first === undefined ? `the run ended ${o.status} at step ${o.steps}, t=${o.time}` : summarize(first);
  const head = `${scenario}: FAILED`;
  return `${color ? ansi("red", ansi("bold", head)) : head} — ${what}${more}`;
}

const POLL_BUDGET_COUNTED = { "inner-polls": "inner polls", "self-wakes": "wakes of itself", "waker-clones": "clones of its waker" } as const;

/** One line naming the bug class and the tasks, for the headline. */
export function summarize(v: Violation): string {
  const q = (t: string) => `'${t}'`;
  const names = (ts: readonly string[]) => ts.map(q).join(", ") || "no task";
  switch (v.kind) {
    case "lost-wakeup": {
      const s = v.stuck;
      if (v.detection === "at-poll") return `lost wakeup: ${names(v.tasks)} returned Pending with no wake source (step ${v.step})`;
      if (v.detection === "parked-while-ready") return `lost wakeup: ${names(v.tasks)} stayed parked while the resource was ready`;
      if (s.length === 1) return `lost wakeup: ${q(s[0]!.task)} is stuck pending (${DIAGNOSIS_LABEL[s[0]!.diagnosis]})`;
      return `lost wakeup: ${s.length} tasks are stuck pending (${s.map((x) => x.task).join(", ")})`;
    }
    case "stale-waker":
      return `stale waker: ${q(v.task)} lost — kept the waker of poll ${v.wakerGeneration} (woken through it after poll ${v.taskGeneration})`;
    case "starvation": {
      const bound = `(bound ${v.bound})`;
      if (v.cause === "fairness") return `starvation: ${names(v.tasks)} runnable but not polled for ${v.observed} steps ${bound}`;
      if (v.cause === "reactor") return `starvation: timer/I/O events kept waiting through ${v.observed} polls ${bound}`;
      if (v.cause === "livelock") return `livelock: ${names(v.tasks)} polled ${v.observed} times with no progress ${bound}`;
      return `starvation: ${names(v.tasks)} overtaken ${v.observed} times ${bound}`;
    }
    case "poll-budget":
      return `poll budget: one poll of ${q(v.task)} made ${v.observed} ${POLL_BUDGET_COUNTED[v.counted]} (budget ${v.budget})`;
    case "liveness":
      return `liveness: ${q(v.monitor)} stayed hot for ${v.hotSteps} steps (bound ${v.bound})${v.atEnd ? ", still hot at the end" : ""}`;
    case "invariant":
      return `invariant ${q(v.invariant)} broken at step ${v.step}`;
    case "panic":
      return `${v.thread === true ? "thread" : "task"} ${q(v.task)} panicked: ${firstLine(v.error)}`;
    case "contract":
      return `contract violation in task ${q(v.task)}: ${lowerFirst(contractTitle(v.rule))}`;
    case "nondeterminism":
      return v.cause === "escape"
        ? `nondeterminism: ${v.api ?? "a real-world source"} used during the run`
        : `nondeterminism: the replay diverged from the original run at step ${v.step}`;
    case "data-race":
      return `data race on ${v.cell}: ${v.second.thread}'s ${v.second.access} and ${v.first.thread}'s ${v.first.access} unordered`;
    case "leak":
      return `waker leak: cancelled task ${q(v.task)} left ${plural(v.wakersHeld, "waker clone")} registered`;
    case "step-limit": {
      // (?. : results written before `sat` existed are still merged and reported)
      const s = v.sat?.[0];
      const b = v.busy?.[0];
      if (s === undefined) return `step limit: not finished within maxSteps=${v.maxSteps} (pending: ${v.tasks.join(", ") || "none"})`;
      const still = s.state === "runnable" ? "runnable but not polled" : "parked, never woken";
      const meanwhile = b === undefined ? "" : b.activeUntilStep === undefined ? ` while ${q(b.task)} was polled ${plural(b.polls, "time")}` : ` while ${q(b.task)} ran in its promise reactions`;
      return `step limit: ${q(s.task)} ${still} for the last ${s.stepsWithout} of ${v.maxSteps} steps${meanwhile}`;
    }
  }
}

const STATUS: Record<Outcome["status"], string> = {
  completed: "The run completed",
  quiescent: "The run went quiet (nothing runnable, nothing due)",
  "step-limit": "The run hit its step limit",
  stopped: "The run stopped at its first violation",
  pruned: "The thread explorer stopped the run (a schedule equivalent to the rest was explored)",
};

function runLine(o: Outcome): string {
  const tasks = o.tasks.filter((t) => !t.daemon);
  const shown = tasks.slice(0, 8).map((t) => `${t.name} ${t.state} (${plural(t.polls, "poll")})`);
  if (tasks.length > 8) shown.push(`${tasks.length - 8} more`);
  return `${STATUS[o.status]} at step ${o.steps}, t=${o.time}, after ${plural(o.polls, "poll")}. Tasks: ${shown.join(", ") || "none"}.`;
}

function violationBlock(v: Violation, num: string): string[] {
  const pad = I1 + " ".repeat(num.length + 2);
  const head = `${I1}${num}[${v.kind}${detail(v)}] at step ${v.step}, t=${v.time}${v.tasks.length > 0 ? ` — ${v.tasks.length === 1 ? "task" : "tasks"}: ${v.tasks.join(", ")}` : ""}`;
  // A lost wakeup's message lists the stuck tasks again; the structured list below replaces it.
  const message = v.kind === "lost-wakeup" ? firstLine(v.message) : v.message;
  // Prose lines are wrapped; indented lines are preformatted (a side-by-side table): kept whole.
  const out = [head, ...message.split("\n").flatMap((l) => (/^\s/.test(l) ? [pad + l] : wrap(l, pad)))];
  const facts = (k: string, val: string) => out.push(...wrap(`${k}: ${val}`, pad, pad + "  "));
  switch (v.kind) {
    case "lost-wakeup":
      for (const s of v.stuck) out.push(...stuckBlock(s, pad));
      break;
    case "stale-waker":
      facts("waker", `from poll g${v.wakerGeneration}; the task was at poll g${v.taskGeneration}; woken by ${v.by ?? "the reactor"} at step ${v.wakeStep}, treated as inert`);
      break;
    case "starvation":
      facts("observed", `${v.observed} (bound ${v.bound})`);
      break;
    case "poll-budget":
      facts(POLL_BUDGET_COUNTED[v.counted], `${v.observed} in one poll (budget ${v.budget})`);
      break;
    case "liveness":
      facts("monitor", `${v.monitor}: hot for ${v.hotSteps} steps (bound ${v.bound})${v.atEnd ? ", still hot when the run ended" : ""}`);
      break;
    case "invariant":
      if (v.error !== null) facts("error", v.error);
      break;
    case "panic": {
      const at = topFrame(v.stack);
      if (at !== null) facts("thrown at", at);
      break;
    }
    case "nondeterminism":
      if (v.api !== null) facts("called", `${v.api}${v.callSite === null ? "" : ` at ${baseName(v.callSite)}`}`);
      break;
    case "leak":
      facts("waker clones", `${v.wakersHeld} held, by ${v.heldBy.length > 0 ? v.heldBy.join(", ") : "user code (not a simulation resource)"}`);
      break;
    case "data-race":
      facts("accesses", `${v.first.access} by ${v.first.thread} at step ${v.first.step}, ${v.second.access} by ${v.second.thread} at step ${v.second.step}`);
      break;
    case "contract":
    case "step-limit":
      break;
  }
  return out;
}

function detail(v: Violation): string {
  const sub = violationSubKind(v);
  return sub === null ? "" : `, ${sub}`;
}

function stuckBlock(s: StuckTask, pad: string): string[] {
  const out = [`${pad}- ${s.task}: ${DIAGNOSIS_LABEL[s.diagnosis]} (${s.diagnosis})`];
  const fact = (k: string, v: string) => out.push(...wrap(`${`${k}:`.padEnd(15)}${v}`, `${pad}    `, `${pad}${" ".repeat(19)}`));
  fact("pending since", s.lastPolledStep < 0 ? "never polled" : `step ${s.lastPolledStep} (its last poll)`);
  fact("awaiting", s.awaiting ?? "(not known)");
  fact(
    "waker clones",
    s.wakersHeld === 0
      ? "none held: nothing can wake it"
      : `${s.wakersHeld} held, by ${s.heldBy.length > 0 ? s.heldBy.join(", ") : isAsyncTaskLabel(s.awaiting) ? "its async function's promise (settling it wakes the task), still pending" : "user code (not a simulation resource)"}`,
  );
  return out;
}

function reproduce(o: Outcome, ctx: ReportContext): string[] {
  const out: string[] = [];
  const row = (k: string, v: string) => out.push(`${I1}${`${k}:`.padEnd(10)}${v}`);
  row("token", o.token);
  if (ctx.seed !== undefined || ctx.runs !== undefined) {
    const runs = ctx.runs === undefined ? "" : `found on run ${ctx.runs}`;
    row("seed", ctx.seed === undefined ? runs : `${String(ctx.seed)}${runs === "" ? "" : ` (${runs})`}`);
  }
  // The strategy explores; the chooser (the token's generator) made this run: a portfolio or
  // random strategy runs an alea chooser. A replay knows only the chooser, so it says "chooser"
  // — never calls the generator a strategy.
  if (ctx.strategy === undefined) row("chooser", `${o.chooser} (the generator that made this run)`);
  else row("strategy", ctx.strategy === o.chooser ? ctx.strategy : `${ctx.strategy} (this run was made by its ${o.chooser} chooser)`);
  const off = o.choices.reduce((n, c) => n + (c === 0 ? 0 : 1), 0);
  row(
    "schedule",
    o.choices.length === 0
      ? "no choices: the default schedule"
      : off === 0
        ? `the default schedule (${plural(o.choices.length, "choice")}, each the default 0): the bug needs no unusual interleaving`
        : `${plural(o.choices.length, "choice")}, ${off} of them not the default (0)`,
  );
  if (o.faults.length > 0) row("faults", o.faults.join(", "));
  if (ctx.file !== undefined) {
    row("command", replayCommand(ctx.command ?? "npx wakesim", ctx.file, o.token, ctx.flags));
  } else {
    // A run with async tasks replays only with replayAsync (replay throws AsyncTasksError).
    row("in code", `${o.hasAsyncTasks === true ? "await replayAsync" : "replay"}(scenario, ${JSON.stringify(o.token)})`);
  }
  return out;
}

/**
 * The exact command that replays `token` from the scenario file `file`, run as `command` ("npx
 * wakesim"). The token is checked against the run's options, so the command repeats them: `flags`,
 * e.g. "--executor fifo" (fault kinds travel in the token).
 */
export function replayCommand(command: string, file: string, token: string, flags = ""): string {
  const sep = flags === "" || flags.startsWith(" ") ? "" : " ";
  return `${command} replay ${shellQuote(file)} ${token}${sep}${flags}`;
}

/** The first stack frame, with its path cut to the file's base name (no absolute paths). */
function topFrame(stack: string): string | null {
  const frame = stack.split("\n").find((l) => /^\s+at /.test(l));
  if (frame === undefined) return null;
  return frame.trim().slice(3).replace(/\(([^()]+)\)$/, (_, p: string) => `(${baseName(p)})`).replace(/^[^\s(]+:\d+:\d+$/, baseName);
}

const baseName = (p: string): string => p.replace(/^file:\/\//, "").replace(/^.*[\\/]/, "");

const lowerFirst = (s: string): string => s.charAt(0).toLowerCase() + s.slice(1);

const firstLine = (s: string): string => s.split("\n", 1)[0] ?? "";

function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

function plural(n: number, one: string): string {
  return `${n} ${n === 1 ? one : `${one}s`}`;
}

/** Greedy word wrap at WIDTH columns; `first` prefixes the first line, `rest` the others. */
function wrap(text: string, first: string, rest = first): string[] {
  const out: string[] = [];
  let cur = first;
  let empty = true;
  for (const word of text.split(" ")) {
    if (!empty && cur.length + 1 + word.length > WIDTH) {
      out.push(cur);
      cur = rest + word;
    } else {
      cur += (empty ? "" : " ") + word;
    }
    empty = false;
  }
  out.push(cur.trimEnd());
  return out;
}
