/**
 * `--help` lists every option each command accepts. The options are read from the argument
 * parser itself (an unknown option's error lists the command's whole option table), so a new
 * option that is not documented fails here.
 */
import { describe, expect, it } from "vitest";
import { check } from "../src/cli/check.js";
import { CliError } from "../src/cli/errors.js";
import { fuzz } from "../src/cli/fuzz.js";
import { merge } from "../src/cli/merge.js";
import { replay } from "../src/cli/replay.js";
import { HELP, USAGE } from "../src/cli/usage.js";

const COMMANDS = { fuzz, replay, check, merge } as const;

/** The option table the command's parser was given, from its unknown-option error. */
async function optionTable(run: (argv: readonly string[]) => Promise<number>, name: string): Promise<string[]> {
  const e = await run(["--zz-not-an-option"]).then(
    () => null,
    (err: unknown) => err,
  );
  expect(e, `${name} accepted an unknown option`).toBeInstanceOf(CliError);
  const list = /\n {2}options: (.+)$/.exec((e as CliError).message)?.[1];
  expect(list, (e as CliError).message).toBeDefined();
  return list!.split(", ").map((o) => o.replace(/^--/, ""));
}

/** The lines of `wakesim --help` about one command: its line and the continuation lines under it. */
function usageOf(name: string): string {
  const lines = USAGE.split("\n");
  const i = lines.findIndex((l) => l.startsWith(`  wakesim ${name} `));
  const out = [lines[i]!];
  for (const l of lines.slice(i + 1)) {
    if (!/^ {5,}\S/.test(l)) break;
    out.push(l);
  }
  return out.join("\n");
}

describe("--help", () => {
  for (const [name, run] of Object.entries(COMMANDS)) {
    it(`wakesim ${name} --help and wakesim --help list every option of ${name}`, async () => {
      const options = await optionTable(run, name);
      expect(options.length).toBeGreaterThan(1);
      for (const o of options) {
        const flag = new RegExp(`(^|[\\s\\[,])--${o}\\b`, "m");
        expect(HELP[name as keyof typeof HELP], `wakesim ${name} --help does not mention --${o}`).toMatch(flag);
        if (o !== "help") expect(usageOf(name), `wakesim --help does not mention ${name}'s --${o}`).toMatch(flag);
      }
    });
  }
});
