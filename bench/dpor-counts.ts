/**
 * Schedules explored by exhaustive search over threads, without reduction (ThreadDfsExplorer)
 * and with source-set DPOR (DporExplorer), on the AtomicWaker models of test/dpor-atomic-waker.ts
 * run by the tiny interpreter of test/dpor-programs.ts — the engine alone, before it is wired into
 * the simulation. Both searches are complete (no bound), so "same bound" holds trivially; the
 * table also says which bugs each found. Run: npm run bench:dpor
 * Last line: JSON with dpor_reduction (schedules without ÷ with, on the two-waker model).
 */
import { DporExplorer } from "../src/explore/dpor.js";
import { dependent } from "../src/explore/thread-access.js";
import { ThreadDfsExplorer } from "../src/explore/thread-dfs.js";
import { exhaustThreads, type ThreadExplorer } from "../src/explore/thread-explorer.js";
import { atomicWaker, registerWakeSketch } from "../test/dpor-atomic-waker.js";
import { runProgram, type Program } from "../test/dpor-programs.js";

function count(explorer: ThreadExplorer, p: Program) {
  const runs = exhaustThreads(explorer, (run) => runProgram(p, run, dependent));
  return { schedules: explorer.stats.schedules, stopped: explorer.stats.sleepBlocked, bugs: [...new Set(runs.flatMap((r) => r.failures))] };
}

const models: [string, (v: "correct" | "no-recheck") => Program][] = [
  ["sketch (load, store waker, re-check | store, take, wake)", registerWakeSketch],
  ["AtomicWaker protocol, 1 waker", (v) => atomicWaker(v)],
  ["AtomicWaker protocol, 2 wakers", (v) => atomicWaker(v, { notifiers: 2 })],
  ["AtomicWaker protocol, 1 waker + a bystander worker", (v) => atomicWaker(v, { bystander: true })],
];
let reduction = 0;
for (const [name, make] of models) {
  for (const variant of ["correct", "no-recheck"] as const) {
    const full = count(new ThreadDfsExplorer(), make(variant));
    const dpor = count(new DporExplorer(), make(variant));
    const same = JSON.stringify(full.bugs) === JSON.stringify(dpor.bugs);
    const ratio = full.schedules / dpor.schedules;
    if (name.endsWith("2 wakers")) reduction = Math.min(reduction || Infinity, ratio);
    console.log(
      `${name} [${variant}]: ${full.schedules} without, ${dpor.schedules} with (+${dpor.stopped} stopped in a sleep set), ` +
        `${ratio.toFixed(1)}×; bugs ${same ? "same" : "DIFFER"}: ${dpor.bugs.join(", ") || "none"}`,
    );
  }
}
// For scale: the unreduced search under the preemption bounds exhaustive search usually runs with
// (DporExplorer has no bound: every count above for it is the whole tree, reduced).
for (const maxPreemptions of [1, 2]) {
  for (const variant of ["correct", "no-recheck"] as const) {
    const b = count(new ThreadDfsExplorer({ maxPreemptions }), atomicWaker(variant, { notifiers: 2 }));
    console.log(`AtomicWaker protocol, 2 wakers [${variant}], full search within ${maxPreemptions} preemption(s): ${b.schedules} schedules; bugs: ${b.bugs.join(", ") || "none"}`);
  }
}
console.log(JSON.stringify({ dpor_reduction: Number(reduction.toFixed(1)) }));
