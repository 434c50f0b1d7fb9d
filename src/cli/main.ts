#!/usr/bin/env node
/**
 * The `wakesim` command (a first form; `fuzz` and CI gating come later):
 *
 *   wakesim run <scenario-file> [--runs N] [--seed S] [--executor NAME] [--faults all|k1,k2]
 *   wakesim replay <scenario-file> <token>
 *
 * A scenario file's default export is a scenario (defineScenario). `.ts` files load through tsx.
 * Exit code: 0 when every run passed, 1 when a run failed, 2 on bad usage.
 */
import { parseArgs } from "node:util";
import { pathToFileURL } from "node:url";
import { resolve } from "node:path";
import { holdEscapeTraps, runScenario, replay, type Scenario } from "../index.js";
import type { SimOptions } from "../sim/config.js";
import { formatOutcome } from "./format.js";

const USAGE = `usage:
  wakesim run <scenario-file> [--runs N] [--seed S] [--executor fifo|permissive|lifo-slot|work-stealing] [--faults all|kind,kind]
  wakesim replay <scenario-file> <token>`;

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
  if (cmd !== "run") throw new UsageError(`unknown command '${cmd}'\n${USAGE}`);
  const runs = Number(values.runs);
  const first = Number(values.seed);
  if (!Number.isInteger(runs) || runs < 1) throw new UsageError(`--runs must be a positive integer, got '${values.runs}'`);
  if (!Number.isInteger(first)) throw new UsageError(`--seed must be an integer, got '${values.seed}'`);
  const release = holdEscapeTraps(); // once for the whole batch, not once per run
  for (let i = 0; i < runs; i++) {
    const out = runScenario(scenario, { ...opts, seed: first + i });
    if (!out.ok) {
      release();
      // Re-run the failing schedule with full tracing for the report.
      const traced = replay(scenario, out.token, opts);
      console.log(formatOutcome(scenario, traced, { command: COMMAND, file, options: opts, seed: first + i, runs: i + 1 }));
      return 1;
    }
  }
  release();
  console.log(`${scenario.name}: ${runs} runs (seeds ${first}..${first + runs - 1}) passed`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e instanceof UsageError ? e.message : e instanceof Error ? `${e.name}: ${e.message}` : String(e));
    process.exit(2);
  },
);
