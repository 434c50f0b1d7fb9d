/**
 * Where test/html-browser.test.ts finds a Chromium, and what it does without one: run when a
 * browser is found, skip with the reason when none is (a fresh `npm ci && npm test` needs no
 * browser and no root), fail when WAKESIM_REQUIRE_BROWSER=1 says one must be there (.ci/run sets
 * it after installing Debian's chromium, so CI never skips the test silently).
 *
 * Looked at, in order: CHROMIUM_PATH (or the older WAKESIM_CHROMIUM) — a path given there must
 * exist, it is never replaced by another browser; then each directory of PATH for the usual
 * executable names; then the usual install paths (Debian/Ubuntu, snap, macOS) and the browser
 * playwright downloads (`npx playwright install chromium`).
 */
import { delimiter, join } from "node:path";

export type BrowserPlan = { readonly run: string } | { readonly skip: string } | { readonly fail: string };

const NAMES = ["chromium", "chromium-browser", "google-chrome-stable", "google-chrome", "chrome"];
const USUAL = [
  "/usr/bin/chromium",
  "/usr/bin/chromium-browser",
  "/usr/lib/chromium/chromium",
  "/snap/bin/chromium",
  "/Applications/Chromium.app/Contents/MacOS/Chromium",
  "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
];

/**
 * The plan for `env`; `isExecutable` says whether a path is an executable file, `playwrightPath`
 * is where playwright-core's own download would be (or undefined).
 */
export function browserPlan(env: NodeJS.ProcessEnv, isExecutable: (path: string) => boolean, playwrightPath?: string): BrowserPlan {
  const required = env.WAKESIM_REQUIRE_BROWSER === "1";
  const given = env.CHROMIUM_PATH || env.WAKESIM_CHROMIUM;
  const variable = env.CHROMIUM_PATH ? "CHROMIUM_PATH" : "WAKESIM_CHROMIUM";
  if (given) {
    if (isExecutable(given)) return { run: given };
    return { fail: `${variable}=${given}: no executable there — point it at a Chromium binary, or unset it to look on PATH` };
  }
  const onPath = (env.PATH ?? "").split(delimiter).filter((d) => d !== "").flatMap((d) => NAMES.map((n) => join(d, n)));
  const candidates = [...onPath, ...USUAL, ...(playwrightPath === undefined ? [] : [playwrightPath])];
  const found = candidates.find((p) => isExecutable(p));
  if (found !== undefined) return { run: found };
  const why = `no Chromium found (looked for ${NAMES.join(", ")} on PATH, in ${USUAL.length} usual places and playwright's download)`;
  const fix = "install one (Debian: apt-get install chromium) or set CHROMIUM_PATH";
  return required ? { fail: `${why}, and WAKESIM_REQUIRE_BROWSER=1 requires one: ${fix}` } : { skip: `${why}: ${fix} to run it` };
}
