/**
 * `wakesim merge <results.json…>`: combine the `fuzz --json` documents of the shards of one
 * exploration (a CI matrix, an indexed job, a batch array — each ran `fuzz --shard i/n --json`).
 *
 * Per scenario: runs, steps and distinct schedules summed (shards explore disjoint seed blocks;
 * a schedule two shards both happened to make counts twice), every failure with its shard and
 * replay command, and the PCT residual-miss bound recomputed over all the clean PCT runs with
 * the largest n and k any shard saw. Names missing shards and duplicate ones (they would count
 * runs twice): both are errors — a CI job whose shard died must not pass on the others — unless
 * --allow-missing, which makes a missing shard a warning. A file a shard could not use (it failed
 * to load, its setup threw) is carried over as an error. Exit 1 when any shard found a failure;
 * otherwise 2 when an input could not be used (unreadable, not a fuzz --json document, a shard
 * given twice or missing, a scenario file a shard could not use); otherwise 0.
 */
import { readFileSync } from "node:fs";
import { parseCommand } from "./args.js";
import { VERSION } from "./context.js";
import { CliError, EXIT } from "./errors.js";
import { missBoundText } from "./format.js";
import { count, duration, plural } from "./progress.js";
import type { BlockJson, FailureJson, FuzzDocument, ScenarioResult } from "./results.js";
import { table, type Row } from "./table.js";
import { colorFor, painter } from "./term.js";
import { HELP } from "./usage.js";
import { residualMissBound, type ResidualMissBound } from "../explore/pct.js";

const OPTIONS = {
  json: { type: "boolean" },
  "allow-missing": { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

interface MergedFailure extends FailureJson {
  readonly shard: number;
}

interface Merged {
  scenario: string | null;
  file: string;
  ok: boolean;
  runs: number;
  steps: number;
  distinctSchedules: number;
  elapsedMs: number;
  shards: number[];
  blocks: BlockJson[];
  failures: MergedFailure[];
  /** Files a shard could not use (they failed to load, their setup threw): "shard i: message". */
  errors: string[];
  residualMissBound: ResidualMissBound | null;
  /** Whether every shard reported a bound (a bound from only some shards is not the whole story). */
  bounds: (ResidualMissBound | null)[];
}

export async function merge(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseCommand("merge", argv, OPTIONS);
  if (values.help === true) {
    process.stdout.write(`${HELP.merge}\n`);
    return EXIT.ok;
  }
  if (positionals.length === 0) throw new CliError("merge: name the fuzz --json result files to combine, e.g. wakesim merge results/*.json (see: wakesim merge --help)");
  const json = values.json === true;
  const errors: string[] = [];
  const docs: { path: string; doc: FuzzDocument }[] = [];
  for (const path of positionals) {
    try {
      docs.push({ path, doc: readDocument(path) });
    } catch (e) {
      errors.push((e as Error).message);
    }
  }
  if (docs.length === 0) throw new CliError(`merge: no usable input:\n  ${errors.join("\n  ")}`);

  // The shards: one exploration (same seed, strategy, shard count), each shard once.
  const first = docs[0]!.doc;
  const warnings: string[] = [];
  for (const { path, doc } of docs.slice(1)) {
    const diff: string[] = [];
    if (doc.seed !== first.seed) diff.push(`seed ${JSON.stringify(doc.seed)} vs ${JSON.stringify(first.seed)}`);
    if (doc.strategy !== first.strategy) diff.push(`strategy ${doc.strategy} vs ${first.strategy}`);
    if (doc.shard.count !== first.shard.count) diff.push(`shard count ${doc.shard.count} vs ${first.shard.count}`);
    if (diff.length > 0) warnings.push(`${path} is from another exploration than ${docs[0]!.path} (${diff.join(", ")}): merged anyway`);
  }
  const seenShards = new Map<number, string>();
  const used: typeof docs = [];
  for (const d of docs) {
    const { path, doc } = d;
    if (doc.shard.count === first.shard.count) {
      const other = seenShards.get(doc.shard.index);
      if (other !== undefined) {
        errors.push(`${path}: shard ${doc.shard.index}/${doc.shard.count} is also in ${other} — a shard given twice would count its runs twice; left out`);
        continue;
      }
      seenShards.set(doc.shard.index, path);
    }
    used.push(d);
  }
  const missing = Array.from({ length: first.shard.count }, (_, i) => i).filter((i) => !seenShards.has(i));
  if (missing.length > 0) {
    const names = `${missing.length === 1 ? "shard" : "shards"} ${missing.map((i) => `${i}/${first.shard.count}`).join(", ")}`;
    if (values["allow-missing"] === true) warnings.push(`missing ${names}: the merged result covers only the shards given (--allow-missing)`);
    else {
      errors.push(
        `missing ${names} of ${first.shard.count}: the merged result would cover only part of the exploration — ` +
          `did ${missing.length === 1 ? "that shard's job" : "those shards' jobs"} fail or not upload results? Add the file${missing.length === 1 ? "" : "s"}, or pass --allow-missing to merge what is there`,
      );
    }
  }

  const merged = new Map<string, Merged>();
  for (const { doc } of used) {
    for (const r of doc.results) {
      const key = `${r.file}\u0000${r.scenario}`;
      let m = merged.get(key);
      if (m === undefined) {
        m = { scenario: r.scenario, file: r.file, ok: true, runs: 0, steps: 0, distinctSchedules: 0, elapsedMs: 0, shards: [], blocks: [], failures: [], errors: [], residualMissBound: null, bounds: [] };
        merged.set(key, m);
      }
      add(m, r, doc.shard.index);
    }
  }
  for (const m of merged.values()) {
    m.blocks.sort((a, b) => a.index - b.index);
    m.shards.sort((a, b) => a - b);
    const bounds = m.bounds;
    if (m.ok && bounds.length > 0 && bounds.every((b) => b !== null)) {
      const bs = bounds as ResidualMissBound[];
      m.residualMissBound = residualMissBound({
        runs: bs.reduce((s, b) => s + b.runs, 0),
        n: Math.max(...bs.map((b) => b.n)),
        k: Math.max(...bs.map((b) => b.k)),
        d: bs[0]!.d,
      });
    }
  }
  const results = [...merged.values()];
  const failed = results.filter((m) => m.failures.length > 0);
  for (const m of results) for (const e of m.errors) errors.push(`${m.file}: ${e}`);
  const interrupted = used.some(({ doc }) => doc.interrupted);
  const code = failed.length > 0 ? EXIT.violation : errors.length > 0 ? EXIT.usage : EXIT.ok;

  if (json) {
    const doc = {
      wakesim: VERSION,
      command: "merge",
      ok: code === EXIT.ok,
      exitCode: code,
      inputs: used.map((d) => d.path),
      seed: first.seed,
      strategy: first.strategy,
      shards: { count: first.shard.count, present: [...seenShards.keys()].sort((a, b) => a - b), missing },
      interrupted,
      results: results.map(({ bounds: _b, ...m }) => m),
      warnings,
      errors,
    };
    process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
    for (const w of [...warnings, ...errors]) process.stderr.write(`merge: ${w}\n`);
    return code;
  }

  const color = colorFor(process.stdout);
  const p = painter(color);
  const out: string[] = [];
  for (const m of failed) {
    for (const f of m.failures) out.push(`${f.report}\n\n(shard ${f.shard}/${first.shard.count}, run ${count(f.run)}, seed ${String(f.seed)})\n`);
  }
  const shardList = [...seenShards.keys()].sort((a, b) => a - b).map((i) => `${i}/${first.shard.count}`).join(", ");
  out.push(`merged ${used.length} result${used.length === 1 ? "" : "s"}: shard${used.length === 1 ? "" : "s"} ${shardList} of seed ${String(first.seed)}, ${first.strategy}`);
  const rows: Row[] = [["", "scenario", "file", { text: "runs", right: true }, { text: "schedules", right: true }, "result"]];
  for (const m of results) {
    const f = m.failures[0];
    rows.push([
      { text: m.ok ? "ok" : f === undefined ? "ERROR" : "FAIL", paint: (s) => p(m.ok ? "green" : "red", s) },
      m.scenario ?? "-",
      m.file,
      { text: count(m.runs), right: true },
      { text: count(m.distinctSchedules), right: true },
      f === undefined
        ? m.errors.length > 0
          ? (m.errors[0] ?? "")
          : `no failure (longest shard ${duration(m.elapsedMs / 1000)})`
        : `${m.failures.length === 1 ? "" : `${m.failures.length} failures, first: `}${f.message.replace(/^[^:]*: FAILED — /, "")} — shard ${f.shard}: ${f.replay}`,
    ]);
  }
  out.push(table(rows));
  for (const m of results) {
    const g = m.residualMissBound;
    if (g !== null) out.push(`  ${m.scenario}: ${missBoundText(g, " over the shards")}`);
  }
  for (const w of warnings) out.push(`${p("yellow", "warning")}: ${w}`);
  for (const e of errors) out.push(`${p("red", "error")}: ${e}`);
  if (interrupted) out.push(`${p("yellow", "note")}: at least one shard was interrupted before its budget was spent`);
  out.push(
    code === EXIT.ok
      ? `merge: ${p("green", "ok")} — ${plural(results.length, "scenario")}, no failure in any shard`
      : code === EXIT.violation
        ? `merge: ${p("red", "FAILED")} — ${failed.map((m) => m.scenario).join(", ")}`
        : `merge: ${p("red", "incomplete")} — ${errors.length === 1 ? "1 error" : `${errors.length} errors`} above`,
  );
  process.stdout.write(`${out.join("\n")}\n`);
  return code;
}

function add(m: Merged, r: ScenarioResult, shard: number): void {
  m.runs += r.runs;
  m.steps += r.steps;
  m.distinctSchedules += r.distinctSchedules;
  m.elapsedMs = Math.max(m.elapsedMs, r.elapsedMs);
  m.shards.push(shard);
  m.blocks.push(...r.blocks);
  m.bounds.push(r.residualMissBound);
  if (r.failure !== null) {
    m.ok = false;
    m.failures.push({ ...r.failure, shard });
  }
  if (r.error !== undefined) {
    m.ok = false;
    m.errors.push(`shard ${shard}: ${r.error.message.replace(`${r.file}: `, "")}`);
  }
}

/** Reads one `fuzz --json` document; the error names the file and what is wrong with it. */
function readDocument(path: string): FuzzDocument {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new Error(`${path}: cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  if (text.trim() === "") throw new Error(`${path}: is empty (did that shard stop with a usage error? its stderr says why)`);
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new Error(`${path}: not valid JSON (${(e as Error).message}) — merge reads the output of fuzz --json`);
  }
  const d = v as Partial<FuzzDocument> | null;
  if (typeof d !== "object" || d === null || d.command !== "fuzz" || !Array.isArray(d.results) || typeof d.shard !== "object" || d.shard === null) {
    throw new Error(`${path}: not a fuzz --json document (expected "command": "fuzz", "shard" and "results")`);
  }
  for (const r of d.results as unknown[]) {
    const x = r as Partial<ScenarioResult> | null;
    if (typeof x !== "object" || x === null || (typeof x.scenario !== "string" && x.scenario !== null) || typeof x.runs !== "number" || !Array.isArray(x.blocks)) {
      throw new Error(`${path}: a result is damaged (each needs scenario, runs and blocks)`);
    }
  }
  return d as FuzzDocument;
}
