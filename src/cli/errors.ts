/**
 * Errors the CLI turns into exit codes, and how a thrown value is shown to a user. A CliError's
 * message is shown as it is (no stack): it names the argument, file or corpus entry at fault and
 * says what to do. Exit code 2 is "usage or configuration error" for every command.
 */
import { fileURLToPath } from "node:url";
import { relative, sep } from "node:path";

export class CliError extends Error {
  override readonly name = "CliError";
  constructor(
    message: string,
    readonly exitCode: number = 2,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * Exit codes, shared by every command (the README and `wakesim --help` list them). Precedence
 * when several apply: violation, then usage (a file or entry could not be used), then
 * interrupted/terminated, then ok — a found bug is never hidden behind a lesser code.
 */
export const EXIT = {
  ok: 0,
  violation: 1,
  usage: 2,
  /** Stopped by Ctrl-C before the budget was spent (128 + SIGINT). */
  interrupted: 130,
  /** Stopped by SIGTERM (how CI cancels a job) before the budget was spent (128 + SIGTERM). */
  terminated: 143,
} as const;

/** A thrown value as one line for a message: `Name: message` for errors. */
export function describeError(e: unknown): string {
  if (e instanceof CliError) return e.message;
  if (e instanceof Error) return `${e.name}: ${e.message}`;
  return String(e);
}

/** wakesim's own files (src/ from the sources, dist/ installed): frames there are the harness's. */
const OWN = fileURLToPath(new URL("../", import.meta.url));

/**
 * What a user needs to find the fault in their own code: the error's message (all of it: a
 * TypeScript transform error puts the file:line:column and the compiler's message on the lines
 * after the first) and its stack frames down to where wakesim called in — frames inside node or
 * wakesim itself are left out, paths are shown relative to the current directory.
 */
export function errorDetails(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const message = `${e.name}: ${e.message}`;
  const stack = e.stack ?? "";
  const frames: string[] = [];
  for (const line of stack.split("\n")) {
    const m = /^\s+at (.*)$/.exec(line);
    if (m === null) continue;
    const frame = m[1]!;
    if (frame.includes(OWN)) break; // wakesim called the user's code here: the rest is the harness
    if (/\bnode:|node_modules[\\/](tsx|esbuild|vitest|piscina)[\\/]/.test(frame)) continue;
    frames.push(`    at ${frame.replace(/(file:\/\/)?(\/[^\s():]+)/g, (_all, _f, p: string) => shortPath(p))}`);
    if (frames.length === 10) break;
  }
  // A syntax error in a plain .js module: node puts "file:line" and the source line above the stack.
  const where = /^(.+:\d+)\n(.*)\n(\s*\^+)\n/.exec(stack);
  const head = where === null ? "" : `  ${shortPath(where[1]!)}\n  ${where[2]}\n  ${where[3]}\n`;
  return `${head}${message.split("\n").map((l) => `  ${l.replace(/(\/[^\s():]+)/g, shortPath)}`).join("\n")}${frames.length > 0 ? `\n${frames.join("\n")}` : ""}`;
}

function shortPath(p: string): string {
  const r = relative(process.cwd(), p);
  return r.startsWith("..") || r === "" ? p : r.split(sep).join("/");
}
