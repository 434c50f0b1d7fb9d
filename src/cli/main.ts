#!/usr/bin/env node
/**
 * The `wakesim` command: dispatches to one module per command (src/cli/<command>.ts).
 *
 *   wakesim fuzz <file…>      explore scenario files (run is an alias)        src/cli/fuzz.ts
 *   wakesim replay <file> <token>                                              src/cli/replay.ts
 *   wakesim check [DIR]       the CI gate: corpus replay, then fuzz           src/cli/check.ts
 *   wakesim merge <json…>     combine the results of --shard runs             src/cli/merge.ts
 *
 * Exit codes: 0 clean, 1 a violation, 2 a usage or configuration error (a CliError, or an
 * OptionError/TokenError from the library: their messages name the option), 130 Ctrl-C.
 */
import { closest, OptionError } from "../sim/errors.js";
import { TokenError } from "../trace/token.js";
import { check } from "./check.js";
import { VERSION } from "./context.js";
import { CliError, EXIT } from "./errors.js";
import { fuzz } from "./fuzz.js";
import { merge } from "./merge.js";
import { replay } from "./replay.js";
import { HELP, USAGE } from "./usage.js";

const COMMANDS: Record<string, (argv: readonly string[]) => Promise<number>> = {
  fuzz: (argv) => fuzz(argv, "fuzz"),
  run: (argv) => fuzz(argv, "run"),
  replay,
  check,
  merge,
};

async function main(argv: readonly string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd === undefined) {
    process.stderr.write(`${USAGE}\n`);
    return EXIT.usage;
  }
  if (cmd === "--help" || cmd === "-h" || cmd === "help") {
    const topic = rest[0];
    process.stdout.write(`${topic !== undefined && topic in HELP ? HELP[topic as keyof typeof HELP] : USAGE}\n`);
    return EXIT.ok;
  }
  if (cmd === "--version" || cmd === "-v") {
    process.stdout.write(`wakesim ${VERSION}\n`);
    return EXIT.ok;
  }
  const run = COMMANDS[cmd];
  if (run === undefined) {
    const hint = closest(cmd, Object.keys(COMMANDS));
    throw new CliError(`unknown command '${cmd}'${hint === undefined ? "" : ` — did you mean '${hint}'?`}\n\n${USAGE}`);
  }
  return run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    if (e instanceof CliError) process.stderr.write(`wakesim: ${e.message}\n`);
    else if (e instanceof OptionError || e instanceof TokenError) process.stderr.write(`wakesim: ${e.message}\n`);
    else process.stderr.write(`wakesim: internal error (please report it): ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = e instanceof CliError ? e.exitCode : EXIT.usage;
  },
);
