/**
 * The HTML report (issue 6 "Visual traces"): one self-contained file — inline CSS, SVG and a few
 * lines of JS, no network, no external fonts — that shows a failing run the way the text report
 * describes it: the report itself, then lanes (the reactor's and one per task) with the polls as
 * boxes labelled with their generation and result, wakes as arrows from the waking slice to the
 * woken task's next poll, and each task stuck in a lost wakeup ending in a "never woken" marker.
 * A button downloads the Chrome trace (`toChromeTrace`), embedded as JSON.
 *
 * Invariants:
 *  1. Everything taken from the run or the user (task names, messages, the report) is escaped;
 *     the embedded JSON has every "<" as \u003c, so no string can close its <script>.
 *  2. Pure function of (outcome, meta), like the text report: the same run gives the same bytes.
 *  3. The x axis is the trace order (choices take no column); virtual time labels its changes.
 *     Only the last MAX_COLUMNS columns are drawn (a note says so); the JSON has everything.
 *  4. Stable hooks for tests and scripts: `g.lane[data-task]` (the reactor's lane is
 *     `g.lane.reactor`, without data-task), `rect.poll[data-generation][data-result]`,
 *     `path.wake-arrow[data-from][data-to]`, `.never-woken[data-task]`, `.dropped[data-task]` (a cancelled task),
 *     `.loser-dropped[data-task]` (a select/race/timeout loser), `#download-trace`,
 *     `script#chrome-trace`.
 */
import { stripVTControlCharacters } from "node:util";
import type { Outcome } from "../sim/outcome.js";
import type { StuckDiagnosis } from "../oracles/violation.js";
import { layoutTrace, toChromeTrace, type LaneSlice, type TraceLayout } from "./chrome-export.js";
import { DROPPED } from "./timeline.js";

export interface HtmlReportMeta {
  readonly scenario: string;
  /** The text report (`formatReport`), shown as is; ANSI colour is removed. */
  readonly report: string;
  readonly seed?: number | string;
  readonly version: string;
}

const MAX_COLUMNS = 1500;
const COL = 36; // px per column: a two-event poll fits "g12 pending"
const LANE_H = 34;
const LEFT = 170; // lane labels
const RIGHT = 190; // room for the "never woken" label
const AXIS_H = 24;
const CHAR_PX = 6; // 10px monospace

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The self-contained HTML report of one outcome (see the module header). */
export function toHtmlReport(outcome: Outcome, meta: HtmlReportMeta): string {
  const trace = toChromeTrace(outcome, meta.seed === undefined ? { scenario: meta.scenario, version: meta.version } : { scenario: meta.scenario, seed: meta.seed, version: meta.version });
  const json = JSON.stringify(trace).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
  const layout = layoutTrace(outcome.trace ?? [], outcome.tasks.map((t) => t.name));
  const status = outcome.ok ? "ok" : "FAILED";
  const seed = meta.seed ?? outcome.seed;
  const file = `${meta.scenario.replace(/[^\w.-]+/g, "-")}.trace.json`;
  const facts: [string, string][] = [
    ["scenario", meta.scenario],
    ["status", `${status} (${outcome.status}, ${outcome.steps} steps, t=${outcome.time})`],
    ["seed", String(seed)],
    ["token", outcome.token],
    ["strategy", outcome.chooser],
    ["wakesim", meta.version],
  ];
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(`wakesim — ${meta.scenario}: ${status}`)}</title>
<style>${CSS}</style>
</head>
<body>
<header>
<h1>${escapeHtml(meta.scenario)} <span class="status status-${outcome.ok ? "ok" : "failed"}">${status}</span></h1>
<dl class="facts">${facts.map(([k, v]) => `<dt>${k}</dt><dd>${escapeHtml(v)}</dd>`).join("")}</dl>
<p><button id="download-trace" type="button" data-filename="${escapeHtml(file)}">Download the Chrome trace (JSON)</button>
<span class="hint">open it in Perfetto or chrome://tracing: lanes, polls, wakes as flow arrows, runnable-task counter</span></p>
</header>
<section class="report"><h2>Report</h2>
<pre>${escapeHtml(stripVTControlCharacters(meta.report))}</pre>
</section>
<section class="timeline"><h2>Lanes</h2>
<p class="legend"><span class="key poll result-pending"></span>poll → pending <span class="key poll result-ready"></span>poll → ready <span class="key poll result-panicked"></span>panicked <span class="key delivery"></span>reactor delivery <span class="key arrow"></span>wake → the woken task's next poll <span class="key lost"></span>wake never followed by a poll</p>
${outcome.trace === null ? `<p class="note">This run was not traced: replay it (${outcome.hasAsyncTasks === true ? "replayAsync" : "replay"}() always traces) to see its lanes.</p>` : lanesSvg(outcome, layout)}
</section>
<script type="application/json" id="chrome-trace">${json}</script>
<script>${JS}</script>
</body>
</html>
`;
}

function lanesSvg(outcome: Outcome, layout: TraceLayout): string {
  // Column of each slot: choices take none (they are in the Chrome trace and the token).
  const colOf: number[] = [];
  let cols = 0;
  for (const s of layout.slots) {
    colOf.push(cols);
    if (!s.choice) cols++;
  }
  const first = Math.max(0, cols - MAX_COLUMNS);
  const shown = (slot: number) => colOf[slot]! >= first;
  const x = (slot: number) => LEFT + (Math.max(colOf[slot]!, first) - first) * COL;
  const mid = (lane: number) => AXIS_H + lane * LANE_H + LANE_H / 2;
  const chartEnd = LEFT + (cols - first) * COL + 12;
  const width = chartEnd + RIGHT;
  const height = AXIS_H + layout.lanes.length * LANE_H + 8;
  const out: string[] = [];
  if (first > 0) out.push(`<p class="note">Showing the last ${MAX_COLUMNS} of ${cols} trace events; the Chrome trace has them all.</p>`);
  out.push(`<div class="scroll"><svg class="lanes" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="task lanes">`);
  out.push(`<defs><marker id="wake-head" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" class="arrow-head"/></marker></defs>`);

  // Axis: virtual time wherever it changes.
  out.push(`<g class="axis">`);
  const firstSlot = colOf.findIndex((c) => c >= first);
  let labelEnd = 0;
  layout.slots.forEach((s, i) => {
    if (i < firstSlot || (i > firstSlot && layout.slots[i - 1]!.time === s.time)) return;
    out.push(`<line x1="${x(i)}" y1="${AXIS_H - 6}" x2="${x(i)}" y2="${height}" class="tick"/>`);
    const label = `t=${s.time}`;
    if (x(i) < labelEnd) return; // too close to the previous label: the tick is enough
    out.push(`<text x="${x(i) + 2}" y="${AXIS_H - 9}">${label}</text>`);
    labelEnd = x(i) + 6 + label.length * CHAR_PX;
  });
  out.push(`</g>`);

  const stuck = stuckTasks(outcome);
  layout.lanes.forEach((name, lane) => {
    const y = AXIS_H + lane * LANE_H;
    const attrs = lane === 0 ? `class="lane reactor" data-lane="0"` : `class="lane" data-task="${escapeHtml(name)}" data-lane="${lane}"`;
    out.push(`<g ${attrs}>`);
    out.push(`<rect class="lane-bg" x="0" y="${y}" width="${width}" height="${LANE_H}"/>`);
    out.push(`<text class="lane-label" x="8" y="${y + LANE_H / 2 + 4}">${escapeHtml(cut(name, Math.floor((LEFT - 16) / CHAR_PX)))}<title>${escapeHtml(name)}</title></text>`);
    const mine = layout.slices.filter((s) => s.lane === lane);
    for (const s of mine) if (shown(s.end)) out.push(sliceRect(s, x(s.start), x(s.end) + COL - x(s.start) - 4, y));
    for (const i of layout.instants) {
      if (i.lane !== lane || !shown(i.slot) || i.kind === "result" || i.kind === "choice") continue;
      const cx = x(i.slot) + COL / 2;
      const tip = `<title>${escapeHtml(`${i.name} (step ${layout.slots[i.slot]!.step}, t=${layout.slots[i.slot]!.time})`)}</title>`;
      if (i.kind === "violation") out.push(`<text class="instant violation" x="${cx - 4}" y="${y + LANE_H / 2 + 5}">✗${tip}</text>`);
      // A dropped future (a cancelled task) ends its lane with a marker, not a dot among notes.
      else if (i.kind === "note" && DROPPED.test(i.name)) {
        out.push(`<g class="dropped" data-task="${escapeHtml(name)}"><text class="instant dropped" x="${cx - 5}" y="${y + LANE_H / 2 + 5}">✂${tip}</text><text class="dropped-label" x="${cx + 8}" y="${y + LANE_H / 2 + 4}">dropped</text></g>`);
      }
      // A select/race/timeout loser dropped in a poll: a small ✂ in the lane; the lane goes on.
      else if (i.kind === "dropped") {
        out.push(`<text class="instant loser-dropped" data-task="${escapeHtml(name)}" x="${cx - 5}" y="${y + LANE_H - 2}">✂${tip}</text>`);
      }
      else out.push(`<circle class="instant kind-${i.kind}" cx="${cx}" cy="${y + LANE_H - 5}" r="3">${tip}</circle>`);
    }
    const s = stuck.get(name);
    if (lane > 0 && s !== undefined) {
      const last = mine[mine.length - 1];
      const from = last === undefined ? LEFT : x(last.end) + COL - 4;
      const label = s.diagnosis === "executor-lost-wake" ? "woken, never polled again" : "never woken";
      out.push(`<line class="waiting" x1="${from}" y1="${mid(lane)}" x2="${chartEnd}" y2="${mid(lane)}"/>`);
      out.push(
        `<g class="never-woken" data-task="${escapeHtml(name)}" data-diagnosis="${s.diagnosis}"><circle cx="${chartEnd + 8}" cy="${mid(lane)}" r="7"/>` +
          `<text x="${chartEnd + 20}" y="${mid(lane) + 4}">${label}</text><title>${escapeHtml(s.explanation)}</title></g>`,
      );
    }
    out.push(`</g>`);
  });

  out.push(`<g class="arrows">`);
  for (const w of layout.wakes) {
    const src = layout.slices[w.from]!;
    if (!shown(w.slot)) continue;
    const x1 = x(w.slot) + COL / 2;
    const y1 = mid(src.lane);
    const by = escapeHtml(w.by ?? "reactor");
    const tip = `<title>${escapeHtml(`${w.task} woken by ${w.by ?? "the reactor"} via ${w.waker}${w.stale ? " (stale)" : ""}: ${w.effect}`)}</title>`;
    if (w.to === null) {
      if (w.ignored) continue;
      out.push(`<path class="wake-lost" data-from="${by}" data-to="${escapeHtml(w.task)}" d="M${x1},${y1} L${x1 + COL / 2},${mid(w.lane)}" marker-end="url(#wake-head)">${tip}</path>`);
      continue;
    }
    const dst = layout.slices[w.to]!;
    const x2 = x(dst.start) + 3;
    const y2 = mid(dst.lane);
    // A self-wake loops over the lane; a wake between lanes bends from source to target.
    const d =
      src.lane === dst.lane
        ? `M${x1},${y1 - 8} C${x1 + 10},${y1 - LANE_H} ${x2 - 10},${y2 - LANE_H} ${x2},${y2 - 8}`
        : `M${x1},${y1} C${x1 + COL},${y1} ${x2 - COL},${y2} ${x2},${y2}`;
    out.push(`<path class="wake-arrow${w.stale ? " stale" : ""}" data-from="${by}" data-to="${escapeHtml(w.task)}" d="${d}" marker-end="url(#wake-head)">${tip}</path>`);
  }
  out.push(`</g></svg></div>`);
  return out.join("\n");
}

function sliceRect(s: LaneSlice, x: number, w: number, laneY: number): string {
  const y = laneY + 5;
  const h = LANE_H - 12;
  const label = s.kind === "poll" ? `g${s.generation} ${s.result ?? "…"}` : s.name.replace(/^deliver /, "");
  const fits = cut(label, Math.floor((w - 6) / CHAR_PX));
  const tip = `${s.name}${s.kind === "poll" ? ` → ${s.result ?? "unfinished"}` : ""} (step ${s.step}, t=${s.time})`;
  const cls = s.kind === "poll" ? `poll result-${s.result ?? "unfinished"}` : s.kind;
  const data = s.kind === "poll" ? ` data-generation="${s.generation}" data-result="${s.result ?? "unfinished"}"` : "";
  return `<rect class="${cls}"${data} x="${x}" y="${y}" width="${Math.max(w, 4)}" height="${h}" rx="3"><title>${escapeHtml(tip)}</title></rect>${fits === "" ? "" : `<text class="slice-label" x="${x + 4}" y="${y + h / 2 + 4}">${escapeHtml(fits)}</text>`}`;
}

/** Tasks a lost-wakeup violation names, with their diagnosis (first violation wins). */
function stuckTasks(o: Outcome): Map<string, { diagnosis: StuckDiagnosis | "stuck"; explanation: string }> {
  const out = new Map<string, { diagnosis: StuckDiagnosis | "stuck"; explanation: string }>();
  for (const v of o.violations) {
    if (v.kind !== "lost-wakeup") continue;
    for (const s of v.stuck) if (!out.has(s.task)) out.set(s.task, { diagnosis: s.diagnosis, explanation: s.explanation });
    for (const t of v.tasks) if (!out.has(t)) out.set(t, { diagnosis: "stuck", explanation: v.message });
  }
  return out;
}

function cut(s: string, n: number): string {
  if (n <= 0) return "";
  return s.length <= n ? s : n === 1 ? "…" : `${s.slice(0, n - 1)}…`;
}

const CSS = `
:root{color-scheme:light;--fg:#1d232b;--muted:#5b6573;--bg:#fff;--lane:#f4f6f9;--lane2:#fff;--pending:#f2c14e;--ready:#4caf7d;--panic:#d9534f;--deliver:#7aa6d8;--arrow:#3b5bdb;--lost:#d9534f}
body{margin:0;padding:16px 24px;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
h1{font-size:20px;margin:0 0 8px}h2{font-size:16px;margin:20px 0 8px}
.status{font-size:13px;padding:2px 8px;border-radius:10px;color:#fff;vertical-align:middle}.status-failed{background:var(--panic)}.status-ok{background:var(--ready)}
.facts{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:0 0 8px}.facts dt{color:var(--muted)}.facts dd{margin:0;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;word-break:break-all}
button{font:inherit;padding:4px 12px;cursor:pointer}.hint,.note{color:var(--muted);font-size:12px;margin-left:8px}
pre{font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:#f7f7f9;border:1px solid #e3e5e8;padding:12px;overflow:auto}
.scroll{overflow:auto;border:1px solid #e3e5e8}
svg.lanes{font:10px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;display:block}
.lane-bg{fill:var(--lane2)}.lane:nth-of-type(odd) .lane-bg{fill:var(--lane)}.lane-label{font-size:12px;font-weight:600;fill:var(--fg)}.reactor .lane-label{fill:var(--muted)}
.tick{stroke:#d5d9df;stroke-dasharray:2 3}.axis text{fill:var(--muted)}
rect.poll{stroke:#0003}.result-pending{fill:var(--pending)}.result-ready{fill:var(--ready)}.result-panicked,.result-unfinished{fill:var(--panic)}
rect.delivery,rect.wake-source{fill:var(--deliver);stroke:#0003}.slice-label{fill:#111;pointer-events:none}
.instant{fill:var(--muted)}.kind-woken{fill:var(--arrow)}.kind-spawned{fill:var(--ready)}.violation{fill:var(--panic);font-size:14px;font-weight:700}
.wake-arrow{fill:none;stroke:var(--arrow);stroke-width:1.5;opacity:.8}.wake-arrow.stale{stroke:var(--panic);stroke-dasharray:4 2}.wake-arrow:hover{stroke-width:3;opacity:1}
.wake-lost{fill:none;stroke:var(--lost);stroke-width:1.5;stroke-dasharray:3 3}.arrow-head{fill:var(--arrow)}
.waiting{stroke:var(--lost);stroke-width:2;stroke-dasharray:6 4}.never-woken circle{fill:#fff;stroke:var(--lost);stroke-width:3}.never-woken text{fill:var(--lost);font-size:12px;font-weight:700}.dropped text{fill:var(--panic);font-size:12px;font-weight:700}.loser-dropped{fill:var(--muted);font-size:11px}
.legend{font-size:12px;color:var(--muted)}.key{display:inline-block;width:14px;height:10px;margin:0 4px 0 12px;vertical-align:middle;border:1px solid #0003}
.key.delivery{background:var(--deliver)}.key.result-pending{background:var(--pending)}.key.result-ready{background:var(--ready)}.key.result-panicked{background:var(--panic)}
.key.arrow{border:0;border-top:2px solid var(--arrow);height:0}.key.lost{border:0;border-top:2px dashed var(--lost);height:0}
`;

const JS = `
document.getElementById("download-trace").addEventListener("click", function () {
  var json = document.getElementById("chrome-trace").textContent;
  var url = URL.createObjectURL(new Blob([json], { type: "application/json" }));
  var a = document.createElement("a");
  a.href = url;
  a.download = this.getAttribute("data-filename") || "trace.json";
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(function () { URL.revokeObjectURL(url); }, 0);
});
`;
