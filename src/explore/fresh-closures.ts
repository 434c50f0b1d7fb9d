/**
 * The fresh-closure diagnosis: does a scenario make its generator functions afresh on every run?
 *
 * `asyncBlock(function* () { … })` inside setup (or in a helper called per run) evaluates the
 * `function*` expression each run, so every run starts brand-new generator functions. V8 gives
 * each new generator function its own hidden class on its first call, kept in the old generation
 * and pointing back at the function, whose closure holds the run's state: every run's objects
 * then survive the young-generation collections that should have freed them, and are copied into
 * the old generation. Measured (`npm run bench:workers`): bench/mpsc-closures.ts, fixtures/mpsc.ts
 * written that way, takes nearly 3× the time of fixtures/mpsc.ts, whose bodies are made once at module
 * level with asyncFn — the same runs, the same steps — and gains little from --workers.
 *
 * Detection: run the scenario twice on the same schedule (a seeded chooser, seed 0) while
 * async-fn.ts reports every generator function it starts; a function in the second run that is
 * a different object from the first run's function at the same position, with the same source
 * text, was made afresh. Costs two runs.
 */
import type { Chooser } from "../chooser/chooser.js";
import { SeededChooser } from "../chooser/seeded.js";
import { watchGeneratorFunctions } from "../future/async-fn.js";
import type { SimOptions } from "../sim/config.js";
import { runScenario, type Scenario } from "../sim/scenario.js";

export interface FreshClosures {
  /** Generator functions started in one run that were made afresh for it. */
  readonly perRun: number;
  /** How many different function bodies those are. */
  readonly bodies: number;
  /** Names of some of them (a function's own name, or "anonymous"). */
  readonly names: readonly string[];
}

/**
 * Null when every generator function a run starts was made once (or none is started).
 * `chooser` makes each of the two runs' chooser (default: the seeded chooser, seed 0); both must
 * make the same choices. The fuzz workers pass one mirrored for the watchdog (src/cli/worker.ts):
 * a scenario whose poll never returns hangs here as it would in its exploration.
 */
export function freshGeneratorFunctions(
  scenario: Scenario,
  options: SimOptions = {},
  chooser: () => Chooser = () => new SeededChooser(0),
): FreshClosures | null {
  const runs: Function[][] = [[], []];
  const sim: SimOptions = { ...options, stopOnViolation: true };
  for (const seen of runs) {
    watchGeneratorFunctions((body) => {
      if (seen.length < 10_000) seen.push(body);
    });
    try {
      runScenario(scenario, { ...sim, chooser: chooser() });
    } catch {
      // A run that throws out of the harness is reported by the exploration itself, not here.
    } finally {
      watchGeneratorFunctions(null);
    }
  }
  const [a, b] = runs as [Function[], Function[]];
  let perRun = 0;
  const sources = new Set<string>();
  const names = new Set<string>();
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x === y) continue;
    const src = Function.prototype.toString.call(y);
    if (src !== Function.prototype.toString.call(x)) continue;
    perRun++;
    sources.add(src);
    if (names.size < 3) names.add(y.name === "" ? "anonymous" : y.name);
  }
  return perRun === 0 ? null : { perRun, bodies: sources.size, names: [...names] };
}

/** The note the CLI prints (and --json carries) for a scenario with fresh generator functions. */
export function freshClosuresNote(scenario: string, f: FreshClosures): string {
  const what = f.perRun === 1 ? "1 generator function" : `${f.perRun} generator functions`;
  return (
    `note: ${scenario} makes ${what} afresh on every run (asyncBlock(function* …) inside\n` +
    `  setup, or a helper that makes one per call). V8 then keeps each run's objects alive into the\n` +
    `  old generation: wakesim's mpsc scenario written this way runs nearly 3× slower than with\n` +
    `  module-level asyncFn bodies, and gains little from --workers. Make task bodies once, at module\n` +
    `  level — const producer = asyncFn(function* (ch, n) { … }) — and pass state as arguments\n` +
    `  (README: "Fast scenarios").`
  );
}
