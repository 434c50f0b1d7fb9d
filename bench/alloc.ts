/**
 * npm run bench:alloc -- FILE [RUNS] — bytes allocated per run of FILE's default scenario, and
 * which functions allocate them: V8's sampling heap profiler (inspector), counting objects that
 * minor and major GCs already freed, over an exploration of RUNS runs (default 100 000, seed 7)
 * after a warm-up of 20 000. Allocation per run is what makes a scenario GC-bound and keeps two
 * workers from scaling (README: "Fast scenarios"); compare it before and after a change to the
 * core or to a scenario. Sampled (one sample per 4 KiB): repeat runs differ by about 1%.
 */
import { Session } from "node:inspector/promises";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { explore, type Scenario } from "wakesim";

interface ProfileNode {
  readonly callFrame: { readonly functionName: string; readonly url: string };
  readonly selfSize: number;
  readonly children: readonly ProfileNode[];
}

const [file, runsArg] = process.argv.slice(2);
if (file === undefined) {
  console.error("usage: npm run bench:alloc -- <scenario file> [runs]");
  process.exit(2);
}
const runs = Number(runsArg ?? 100_000);
const scenario = ((await import(pathToFileURL(resolve(file)).href)) as { default: Scenario }).default;

explore(scenario, { runs: 20_000 });
const session = new Session();
session.connect();
await session.post("HeapProfiler.enable");
// The two include* flags are V8's (Chrome DevTools protocol); Node's typings lag behind them.
await session.post("HeapProfiler.startSampling", { samplingInterval: 4096, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true } as never);
explore(scenario, { runs, seed: 7 });
const { profile } = (await session.post("HeapProfiler.stopSampling")) as unknown as { profile: { head: ProfileNode } };
session.disconnect();

const bySite = new Map<string, number>();
let total = 0;
const walk = (n: ProfileNode): void => {
  const f = n.callFrame;
  // By function and file: under tsx the profiler's line numbers are those of the compiled code.
  const site = `${f.functionName || "(anonymous)"} ${f.url.split("/").slice(-2).join("/")}`;
  bySite.set(site, (bySite.get(site) ?? 0) + n.selfSize);
  total += n.selfSize;
  for (const c of n.children) walk(c);
};
walk(profile.head);
console.log(`${scenario.name} (${file}): ${Math.round(total / runs).toLocaleString("en-US")} bytes per run over ${runs.toLocaleString("en-US")} runs`);
for (const [site, bytes] of [...bySite].sort((a, b) => b[1] - a[1]).slice(0, 25)) {
  console.log(`${((bytes / total) * 100).toFixed(1).padStart(5)}%  ${site}`);
}
