#!/usr/bin/env node
/**
 * The `wakesim` command: dispatches to one module per command (src/cli/<command>.ts).
 *
 *   wakesim fuzz <file…>      explore scenario files (run is an alias)        src/cli/fuzz.ts
 *   wakesim replay <file> <token>                                              src/cli/replay.ts
 *   wakesim check [DIR]       the CI gate: corpus replay, then fuzz           src/cli/check.ts
 *   wakesim merge <json…>     combine the results of --shard runs             src/cli/merge.ts
 *
 * Exit codes (src/cli/errors.ts EXIT; the first that applies): 1 a violation in any file, 2 a
 * usage or configuration error (a CliError, or an OptionError/TokenError from the library: their
 * messages name the option; a scenario file that could not be used), 130 Ctrl-C, 143 SIGTERM, 0.
 */
import { closest, OptionError } from "../core/errors.js";
import { TokenError } from "../trace/token.js";
import { VERSION } from "./context.js";
import { CliError, errorDetails, EXIT } from "./errors.js";
import { rerunWithSingleThreadedGc, wantsSingleThreadedGc, workersFlag } from "./reexec.js";
import { HELP, USAGE } from "./usage.js";

// Commands load on demand: a `fuzz --workers N` that starts itself again (reexec.ts) decides so
// before loading the rest of wakesim.
const COMMANDS: Record<string, (argv: readonly string[]) => Promise<number>> = {
  fuzz: async (argv) => (await import("./fuzz.js")).fuzz(argv, "fuzz"),
  run: async (argv) => (await import("./fuzz.js")).fuzz(argv, "run"),
  replay: async (argv) => (await import("./replay.js")).replay(argv),
  check: async (argv) => (await import("./check.js")).check(argv),
  merge: async (argv) => (await import("./merge.js")).merge(argv),
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
  if ((cmd === "fuzz" || cmd === "run") && wantsSingleThreadedGc(workersFlag(rest))) return rerunWithSingleThreadedGc();
  return run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    // A load error keeps the loader's error as its cause: its whole message (a transform error's
    // file:line:column) and the user's stack frames follow the one-line summary.
    if (e instanceof CliError) process.stderr.write(`wakesim: ${e.message}\n${e.cause === undefined ? "" : `${errorDetails(e.cause)}\n`}`);
    else if (e instanceof OptionError || e instanceof TokenError) process.stderr.write(`wakesim: ${e.message}\n`);
    else process.stderr.write(`wakesim: internal error (please report it): ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = e instanceof CliError ? e.exitCode : EXIT.usage;
  },
);
