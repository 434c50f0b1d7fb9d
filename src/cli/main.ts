#!/usr/bin/env node
/**
 * The `wakesim` command (a first form; `fuzz` and CI gating come later):
 *
 *   wakesim fuzz <scenario-file> [--runs N] [--seed S] [--strategy NAME] [--executor NAME] [--faults all|k1,k2]
 *   wakesim replay <scenario-file> <token>
 * (`run` is an alias of `fuzz`.)
 *
 * A scenario file's default export is a scenario (defineScenario). `.ts` files load through tsx.
 * Exit code: 0 when every run passed, 1 when a run failed, 2 on bad usage.
 */
import { parseArgs } from "node:util";
import { pathToFileURL } from "node:url";
import { resolve } from "node:path";
import { explore, replay, STRATEGY_NAMES, type Scenario, type StrategyName } from "../index.js";
import type { SimOptions } from "../sim/config.js";
import { formatOutcome } from "./format.js";

const USAGE = `usage:
  wakesim fuzz <scenario-file> [--runs N] [--seed S] [--strategy portfolio|random|pct|swarm|exhaustive]
                               [--executor fifo|permissive|lifo-slot|work-stealing] [--faults all|kind,kind]
  wakesim replay <scenario-file> <token> [--executor …]`;

async function loadScenario(file: string): Promise<Scenario> {
  if (/\.[cm]?ts$/.test(file)) {
    const { register } = await import("tsx/esm/api");
    register();
  }
  const mod = (await import(pathToFileURL(resolve(file)).href)) as { default?: Scenario };
  const s = mod.default;
  if (s === undefined || typeof s.setup !== "function") {
    throw new UsageError(`${file} has no scenario as its default export: end it with \`export default defineScenario({ name, setup(sim) { ... } })\``);
  }
  return s;
}

class UsageError extends Error {}

// Inside this repository the CLI runs from source through an npm script; installed, it is a bin.
const COMMAND = /src[\\/]cli[\\/]main\.ts$/.test(process.argv[1] ?? "") ? "npm run wakesim --" : "npx wakesim";

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      runs: { type: "string", default: "1000" },
      seed: { type: "string", default: "0" },
      executor: { type: "string" },
      faults: { type: "string" },
      strategy: { type: "string", default: "portfolio" },
      help: { type: "boolean", short: "h" },
    },
  });
  const [cmd, file, token] = positionals;
  if (values.help || cmd === undefined) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  if (file === undefined) throw new UsageError(`'${cmd}' needs a scenario file\n${USAGE}`);
  const scenario = await loadScenario(file);
  const opts: SimOptions = {};
  if (values.executor !== undefined) opts.executor = values.executor as SimOptions["executor"] & string;
  if (values.faults !== undefined) opts.faults = values.faults === "all" ? "all" : (values.faults.split(",") as SimOptions["faults"] & string[]);

  if (cmd === "replay") {
    if (token === undefined) throw new UsageError(`'replay' needs a token\n${USAGE}`);
    const out = replay(scenario, token, opts);
    console.log(formatOutcome(scenario, out, { command: COMMAND, file, options: opts }));
    return out.ok ? 0 : 1;
  }
  if (cmd !== "fuzz" && cmd !== "run") throw new UsageError(`unknown command '${cmd}'\n${USAGE}`);
  const runs = Number(values.runs);
  const seed = Number(values.seed);
  if (!Number.isInteger(runs) || runs < 1) throw new UsageError(`--runs must be a positive integer, got '${values.runs}'`);
  if (!Number.isInteger(seed)) throw new UsageError(`--seed must be an integer, got '${values.seed}'`);
  const strategy = values.strategy as StrategyName;
  if (!(STRATEGY_NAMES as readonly string[]).includes(strategy)) throw new UsageError(`--strategy must be one of ${STRATEGY_NAMES.join(", ")}, got '${strategy}'`);
  const r = explore(scenario, { ...opts, runs, seed, strategy, file, command: COMMAND });
  if (r.failure !== null) {
    const f = r.failure;
    console.log(f.report);
    console.log(
      `\nfound by ${r.strategy} (seed ${seed}) on run ${f.run + 1}; schedule shrunk from ${nonZero(f.originalChoices)} to ${nonZero(f.choices)} ` +
        `deviation${nonZero(f.choices) === 1 ? "" : "s"} from the default in ${f.shrinkSteps} step${f.shrinkSteps === 1 ? "" : "s"} (${f.shrinkRuns} reruns)`,
    );
    return 1;
  }
  const gate = r.residualMissBound;
  console.log(
    `${scenario.name}: ok — ${r.runs} runs (${r.strategy}, seed ${seed}), ${r.distinctSchedules} distinct schedules, ${r.steps} steps` +
      (r.exhausted ? ", bounded space exhausted" : "") +
      (gate === null ? "" : `\n  PCT residual-miss bound for depth-${gate.d} bugs after ${gate.runs} clean PCT runs (n=${gate.n}, k=${gate.k}): ${gate.bound.toPrecision(3)}`),
  );
  return 0;
}

const nonZero = (c: readonly number[]) => c.filter((x) => x !== 0).length;

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e instanceof UsageError ? e.message : e instanceof Error ? `${e.name}: ${e.message}` : String(e));
    process.exit(2);
  },
);
