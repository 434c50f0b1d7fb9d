/**
 * npm run bench:false-alarms — the false-alarm figure: every scenario of the correct-but-unusual
 * corpus (fixtures/unusual/, issue 11) × every strategy × N runs with `faults: "all"`. Every
 * scenario there is correct code, so every failure is a false alarm of an oracle (or a hang or
 * crash of the harness). Prints one row per scenario and strategy — runs made, false alarms,
 * the first one's oracle and replay token — and a total line "N false alarms in M runs".
 *
 * explore() stops at a scenario's first failure, so "false alarms" per row is 0 or 1 and "runs"
 * is where the first one was met; the total counts rows that failed, over the runs made.
 * Exhaustive search runs until its bounded space is exhausted or N, whichever comes first.
 * Scenarios in fixtures/unusual/debatable/ (correct code that wakesim's model rejects, by design)
 * are explored too, marked "(debatable)", and counted on a line of their own.
 *
 *   npm run bench:false-alarms                       # 20 000 runs per strategy (the figure)
 *   npm run bench:false-alarms -- --runs 2000        # quicker
 *   npm run bench:false-alarms -- --only signal      # scenarios whose name or file contains "signal"
 *   WAKESIM_SEED=3 npm run bench:false-alarms        # another seed
 *
 * A poll that never returns would hang this in-process loop (and the property test: vitest's
 * timeout cannot interrupt synchronous code): run it under `timeout`, or fuzz the files with
 * the CLI's `--watchdog`. No scenario of the corpus hung on the code this was written against.
 */
import { readdirSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { explore, type Scenario } from "wakesim";
import { oracleLabel } from "./oracle-label.js";

const STRATEGIES = ["random", "pct", "swarm", "portfolio", "exhaustive"] as const;
const DIR = new URL("../fixtures/unusual/", import.meta.url);

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i < 0 ? undefined : process.argv[i + 1];
};
const RUNS = Number(arg("--runs") ?? process.env.WAKESIM_SOAK ?? 20_000);
const SEED = Number(process.env.WAKESIM_SEED ?? 0);
const ONLY = arg("--only");
const SHRINK = !process.argv.includes("--no-shrink");

const isScenario = (v: unknown): v is Scenario => typeof v === "object" && v !== null && typeof (v as { setup?: unknown }).setup === "function";

interface CorpusEntry {
  readonly file: string;
  readonly scenario: Scenario;
  readonly debatable: boolean;
}

/** Every distinct scenario exported by the corpus files (then the debatable ones), in file then export order. */
async function loadCorpus(): Promise<CorpusEntry[]> {
  const out: CorpusEntry[] = [];
  for (const [dir, debatable] of [[DIR, false], [new URL("debatable/", DIR), true]] as const) {
    for (const f of readdirSync(dir).filter((n) => n.endsWith(".ts")).sort()) {
      const mod = (await import(new URL(f, dir).href)) as Record<string, unknown>;
      const seen = new Set<unknown>();
      for (const v of Object.values(mod)) {
        if (!isScenario(v) || seen.has(v)) continue;
        seen.add(v);
        out.push({ file: debatable ? `debatable/${f}` : f, scenario: v, debatable });
      }
    }
  }
  return out;
}

const corpus = (await loadCorpus()).filter((c) => ONLY === undefined || c.scenario.name.includes(ONLY) || c.file.includes(ONLY));
const rows: string[][] = [["scenario", "strategy", "runs", "false alarms", "first failure's oracle", "token", "s"]];
const sums = { corpus: { alarms: 0, runs: 0, scenarios: 0 }, debatable: { alarms: 0, runs: 0, scenarios: 0 } };
for (const { scenario, debatable } of corpus) {
  const sum = debatable ? sums.debatable : sums.corpus;
  sum.scenarios++;
  const label = debatable ? `${scenario.name} (debatable)` : scenario.name;
  for (const strategy of STRATEGIES) {
    const t0 = performance.now();
    let cells: string[];
    try {
      const r = explore(scenario, { runs: RUNS, seed: SEED, strategy, faults: "all", shrink: SHRINK });
      sum.runs += r.runs;
      const f = r.failure;
      if (f !== null) sum.alarms++;
      const runs = `${r.runs}${strategy === "exhaustive" && r.exhausted ? " (exhausted)" : ""}`;
      cells = [label, strategy, runs, f === null ? "0" : "1", f === null ? "" : oracleLabel(f.violation), f === null ? "" : f.token];
    } catch (e) {
      sum.alarms++;
      cells = [label, strategy, "-", "crash", (e instanceof Error ? e.message : String(e)).split("\n")[0]!.slice(0, 120), ""];
    }
    cells.push(((performance.now() - t0) / 1000).toFixed(1));
    rows.push(cells);
    console.error(cells.join("  "));
  }
}

const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (i === 5 ? 0 : r[i]!.length))));
for (const r of rows) console.log(r.map((c, i) => (i === 5 ? c : c.padEnd(widths[i]!))).join("  ").trimEnd());
const line = (s: { alarms: number; runs: number; scenarios: number }) =>
  `${s.alarms} false alarm${s.alarms === 1 ? "" : "s"} in ${s.runs} runs (${s.scenarios} scenarios × ${STRATEGIES.length} strategies, up to ${RUNS} runs each, faults "all", seed ${SEED})`;
console.log(`\n${line(sums.corpus)}`);
if (sums.debatable.scenarios > 0) console.log(`debatable scenarios (fixtures/unusual/debatable/: correct JavaScript or Rust that wakesim's model rejects): ${line(sums.debatable)}`);
