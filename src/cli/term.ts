/**
 * Terminal decisions: colour only on a TTY and never with NO_COLOR (https://no-color.org);
 * FORCE_COLOR (other than "0") forces it on. Colour is added with node:util styleText.
 */
import { styleText } from "node:util";

type Style = Parameters<typeof styleText>[0];

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
  return color ? (style, text) => styleText(style, text) : (_style, text) => text;
}

/** Whether progress may redraw one line in place (a terminal, not CI). */
export function liveProgress(stream: Stream, env: NodeJS.ProcessEnv = process.env): boolean {
  return stream.isTTY === true && !isCi(env) && env.TERM !== "dumb";
}

export function isCi(env: NodeJS.ProcessEnv): boolean {
  const ci = env.CI;
  return ci !== undefined && ci !== "" && ci !== "0" && ci.toLowerCase() !== "false";
}
