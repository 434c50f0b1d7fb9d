// Side-by-side speed probe: best of 5 for each fixture (fixed runs), runs/s.
import { performance } from "node:perf_hooks";
import { explore, type Scenario } from "wakesim";
const files = ["fixtures/mpsc.ts", "fixtures/notify.ts", "fixtures/semaphore.ts", "fixtures/select.ts"];
const out: Record<string, number> = {};
for (const f of files) {
  const mod = (await import(process.cwd() + "/" + f)) as { default: Scenario };
  const s = mod.default;
  explore(s, { runs: 3000, seed: 99 }); // warm-up
  let best = 0;
  for (let k = 0; k < 5; k++) {
    const t0 = performance.now();
    const r = explore(s, { runs: 8000, seed: 1 + k, strategy: "random" });
    const dt = performance.now() - t0;
    best = Math.max(best, r.runs / (dt / 1000));
  }
  out[f.replace("fixtures/", "").replace(".ts", "")] = Math.round(best);
}
console.log(JSON.stringify(out));
