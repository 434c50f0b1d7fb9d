/**
 * npm run fingerprint -- <scenario file…> — what every exported scenario of the files does, in a
 * few lines of text to diff before and after a refactor: 3000 portfolio runs (seed 1), 500
 * random runs with every fault kind (seed 7), 1000 PCT (seed 3), 1000 swarm (seed 5) and 1000
 * exhaustive runs, each with its runs, steps, distinct schedules and the first failure's run,
 * kind, (shrunk) token and a hash of its whole text report (what, why, timeline). Identical
 * output means the refactor kept every scheduling decision and every word of the report.
 */
import { createHash } from "node:crypto";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { explore, type Scenario } from "wakesim";

const isScenario = (v: unknown): v is Scenario => typeof v === "object" && v !== null && typeof (v as { setup?: unknown }).setup === "function";

for (const file of process.argv.slice(2)) {
  const mod = (await import(pathToFileURL(resolve(file)).href)) as Record<string, unknown>;
  const seen = new Set<unknown>();
  for (const [name, v] of Object.entries(mod).sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    if (!isScenario(v) || seen.has(v)) continue;
    seen.add(v);
    for (const cfg of [{ seed: 1, runs: 3000, strategy: "portfolio" as const }, { seed: 7, runs: 500, strategy: "random" as const, faults: "all" as const }, { seed: 3, runs: 1000, strategy: "pct" as const }, { seed: 5, runs: 1000, strategy: "swarm" as const }, { seed: 0, runs: 1000, strategy: "exhaustive" as const }] as const) {
      let line: string;
      try {
        const r = explore(v, cfg);
        const f = r.failure;
        line = `runs=${r.runs} steps=${r.steps} distinct=${r.distinctSchedules} fail=${f === null ? "none" : `${f.run}/${f.violation.kind}/${f.token} report=${createHash("sha256").update(f.report).digest("hex").slice(0, 12)}`}`;
      } catch (e) {
        line = `threw ${(e instanceof Error ? e.message : String(e)).split("\n")[0]}`;
      }
      console.log(`${file} ${name} (${v.name}) ${cfg.strategy}: ${line}`);
    }
  }
}
