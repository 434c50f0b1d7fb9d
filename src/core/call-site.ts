/**
 * The user's line in a stack trace: the first frame outside wakesim's own sources (src/ or
 * dist/) and Node's internals — optionally outside installed packages too (node_modules), to
 * name the user's await rather than the library line it reached.
 */

/** wakesim's own source folder (src/ or dist/): frames under it are not the user's. */
const OWN_ROOT = decodeURI(new URL("..", import.meta.url).pathname);

const FRAME = /\(?((?:file:\/\/)?[^()\s]+:\d+:\d+)\)?\s*$/;

/** "path/to/file.ts:12:5" of the first user frame of `stack` (its first line is the message), or null. */
export function userFrame(stack: string | undefined, skipPackages = false): string | null {
  if (stack === undefined) return null;
  for (const line of stack.split("\n").slice(1)) {
    if (line.includes(OWN_ROOT) || line.includes("node:internal") || (skipPackages && line.includes("/node_modules/"))) continue;
    const m = FRAME.exec(line.trim());
    if (m !== null) return m[1]!.replace(/^file:\/\//, "");
  }
  return null;
}
