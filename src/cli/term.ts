/**
 * Terminal decisions: colour only on a TTY and never with a non-empty NO_COLOR
 * (https://no-color.org: NO_COLOR="" does not disable colour); FORCE_COLOR (other than "0")
 * forces it on. The decision is made here, once; src/report/ansi.ts only applies it (node's
 * styleText would make its own, different one).
 */
import { ansi, type Style } from "../report/ansi.js";

export interface Stream {
  readonly isTTY?: boolean;
  write(s: string): unknown;
}

export function colorFor(stream: Stream, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "" && env.FORCE_COLOR !== "0") return true;
  return stream.isTTY === true && env.TERM !== "dumb";
}

/** A painter bound to one decision: `paint("red", text)` or the text unchanged. */
export type Paint = (style: Style, text: string) => string;

export function painter(color: boolean): Paint {
  return color ? (style, text) => ansi(style, text) : (_style, text) => text;
}

/** Whether progress may redraw one line in place (a terminal, not CI). */
export function liveProgress(stream: Stream, env: NodeJS.ProcessEnv = process.env): boolean {
  return stream.isTTY === true && !isCi(env) && env.TERM !== "dumb";
}

export function isCi(env: NodeJS.ProcessEnv): boolean {
  const ci = env.CI;
  return ci !== undefined && ci !== "" && ci !== "0" && ci.toLowerCase() !== "false";
}
