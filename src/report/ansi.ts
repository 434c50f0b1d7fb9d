/**
 * ANSI colour for text whose colour was already decided (src/cli/term.ts decides: a terminal,
 * a non-empty NO_COLOR, FORCE_COLOR).
 *
 * Why not node:util styleText: since Node 20.20/22.13 it second-guesses the caller — it checks
 * process.stdout and drops the colour when stdout is not a TTY or when NO_COLOR is set at all,
 * even to "" (no-color.org: only a non-empty NO_COLOR disables colour). The decision is made
 * once, by the CLI, for the stream the text goes to; this only applies it.
 */
import { inspect } from "node:util";

export type Style = "bold" | "dim" | "red" | "green" | "yellow" | "blue" | "magenta" | "cyan" | "gray";

/** `text` wrapped in the SGR codes of `style` (util.inspect's table: the same codes styleText uses). */
export function ansi(style: Style, text: string): string {
  const codes = inspect.colors[style];
  if (codes === undefined) return text;
  return `\x1b[${codes[0]}m${text}\x1b[${codes[1]}m`;
}
