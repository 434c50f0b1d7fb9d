/**
 * How this CLI was started, for the commands it prints, and the package version.
 */
import { readFileSync } from "node:fs";

/** Inside this repository the CLI runs from source through an npm script; installed, it is a bin. */
export const COMMAND = /src[\\/]cli[\\/]main\.ts$/.test(process.argv[1] ?? "") ? "npm run wakesim --" : "npx wakesim";

/** The package version (src/cli and dist/cli both sit two levels below package.json). */
export const VERSION: string = (() => {
  try {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version?: unknown };
    return typeof pkg.version === "string" ? pkg.version : "unknown";
  } catch {
    return "unknown";
  }
})();
