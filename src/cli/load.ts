/**
 * Loading scenario files: a file's default export is its scenario (defineScenario), and each
 * named export that is a scenario is one more (fuzz and check explore them all; replay picks the
 * one its token names). TypeScript files load through tsx (a maintained loader), registered once
 * on first need.
 *
 * A scenario file may be ESM or CommonJS, in a package of either `type`:
 * 1. tsx's ESM *and* CommonJS hooks are registered: a `.ts` file in a CommonJS package (the
 *    default of `npm init -y`) is CommonJS, and Node loads it with the `require` machinery.
 * 2. `.cts`/`.cjs` files are `require`d, not imported: Node 20 loads a CommonJS module that a
 *    loader hook gave the source of with a stand-in `require` that cannot load ES modules
 *    ("request for './future/poll.js' is not in cache"), so `require("wakesim")` failed there.
 * 3. A CommonJS module's `export default` is `exports.default`, which `import()` shows as
 *    `default.default`: that is unwrapped.
 * `require("wakesim")` loads wakesim's ES modules (require(esm): Node >= 20.19, see `engines`),
 * the same instance the CLI uses — there is no second, CommonJS copy.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { join, relative, resolve, sep } from "node:path";
import { pathToFileURL } from "node:url";
import type { Scenario } from "../sim/scenario.js";
import { CliError } from "./errors.js";

const TS = /\.[cm]?tsx?$/;
/** Always CommonJS, whatever the package's `type`: loaded with `require` (header, 2). */
const CJS = /\.c[jt]s$/;
/** Files `check DIR` imports: TypeScript or JavaScript modules, not declarations or tests. */
const SCENARIO_FILE = /\.(?:[cm]?ts|[cm]?js|tsx|jsx)$/;
const NOT_SCENARIO = /(?:\.d\.[cm]?ts|\.(?:test|spec)\.[cm]?[jt]sx?)$/;

/** Registering tsx, once per thread: concurrent loads (a worker preloads every file at once) share it. */
let tsx: Promise<void> | null = null;

function registerTsx(): Promise<void> {
  tsx ??= registerTsxOnce();
  return tsx;
}

async function registerTsxOnce(): Promise<void> {
  // Once tsx's hooks are registered, every module this thread loads is resolved and loaded
  // through them, a round trip to tsx's loader thread each. Load wakesim itself first (it is
  // JavaScript in dist/): the scenario's `import ... from "wakesim"` then costs one round trip,
  // not one per module of wakesim — about 80 ms less per thread that loads a scenario (measured:
  // 170 ms through the hooks, 95 ms without; a pool of N workers loads it N + 1 times).
  // From the sources (tsx already loads everything), there is nothing to gain.
  if (import.meta.url.endsWith(".js")) await import("../index.js");
  const [esm, cjs] = await Promise.all([import("tsx/esm/api"), import("tsx/cjs/api")]);
  esm.register();
  cjs.register(); // header, 1
}

const requireFile = createRequire(import.meta.url);

/** One scenario a file exports: `exportName` is "default" or the name of a named export. */
export interface Exported {
  readonly exportName: string;
  readonly scenario: Scenario;
}

export type LoadResult = { readonly scenarios: readonly Exported[] } | { readonly noScenario: string };

const isScenario = (v: unknown): v is Scenario =>
  typeof v === "object" && v !== null && typeof (v as Scenario).setup === "function" && typeof (v as Scenario).name === "string";

/**
 * Imports `file` (relative to the current directory) and returns every scenario it exports: the
 * default export first, then the named exports that are scenarios, in the module's order (an ES
 * module's is alphabetical). A scenario exported under two names is listed once, under the first.
 * No scenario at all, or a default export that is not one, is returned as why. A missing file,
 * one that throws while loading, or two scenarios of one file with the same name (a token and a
 * corpus entry name their scenario by name) is a CliError.
 */
export async function importScenarios(file: string): Promise<LoadResult> {
  const path = resolve(file);
  if (!existsSync(path)) throw new CliError(`${file}: no such file (paths are relative to the current directory, ${process.cwd()})`);
  if (statSync(path).isDirectory()) throw new CliError(`${file} is a directory: fuzz takes scenario files (wakesim fuzz ${file}/*.ts), check takes a directory (wakesim check ${file})`);
  if (TS.test(path)) await registerTsx();
  let mod: Record<string, unknown>;
  try {
    mod = CJS.test(path) ? commonJsNamespace(requireFile(path)) : ((await import(pathToFileURL(path).href)) as Record<string, unknown>);
  } catch (e) {
    const why = e instanceof Error ? `${e.name}: ${e.message.split("\n", 1)[0]}` : String(e);
    throw new CliError(`${file}: could not be loaded — ${why}`, 2, { cause: e });
  }
  const s = esModuleDefault(mod.default);
  if (s !== undefined && !isScenario(s)) {
    return { noScenario: `${file}: its default export is not a scenario (expected defineScenario({ name, setup(sim) { ... } }), got ${describe(s)})` };
  }
  const found: Exported[] = s === undefined ? [] : [{ exportName: "default", scenario: s }];
  // A CommonJS module seen through import(): its named exports are also on `default` (header, 3).
  const compiled = typeof mod.default === "object" && mod.default !== null && (mod.default as { __esModule?: unknown }).__esModule === true ? (mod.default as Record<string, unknown>) : {};
  for (const [name, v] of [...Object.entries(mod), ...Object.entries(compiled)]) {
    if (name === "default" || name === "__esModule" || !isScenario(v) || found.some((x) => x.scenario === v || x.exportName === name)) continue;
    found.push({ exportName: name, scenario: v });
  }
  if (found.length === 0) {
    return { noScenario: `${file} has no default export (nor a named export that is a scenario): end it with \`export default defineScenario({ name, setup(sim) { ... } })\`` };
  }
  for (const x of found) {
    const twin = found.find((y) => y !== x && y.scenario.name === x.scenario.name);
    if (twin !== undefined) {
      throw new CliError(
        `${file}: exports two scenarios named '${x.scenario.name}' (${exportLabel(x.exportName)} and ${exportLabel(twin.exportName)}): a replay token and a corpus entry name their scenario, so give each scenario of a file its own name`,
      );
    }
  }
  return { scenarios: found };
}

/** Like importScenarios, but a file without a scenario is an error (for files named on the command line). */
export async function loadScenarios(file: string): Promise<readonly Exported[]> {
  const r = await importScenarios(file);
  if ("noScenario" in r) throw new CliError(r.noScenario);
  return r.scenarios;
}

/** "the default export" or "export 'name'". */
export function exportLabel(exportName: string): string {
  return exportName === "default" ? "the default export" : `export '${exportName}'`;
}

/**
 * A `require`d module as an ES namespace: `module.exports = scenario` is the default export;
 * `exports.a = …` are named exports, and a compiled ES module's `exports.default` its default.
 */
function commonJsNamespace(exports: unknown): Record<string, unknown> {
  if (isScenario(exports) || typeof exports !== "object" || exports === null) return { default: exports };
  return { ...(exports as Record<string, unknown>) };
}

/** A CommonJS module compiled from `export default x` exports `{ __esModule: true, default: x }` (header, 3). */
function esModuleDefault(v: unknown): unknown {
  if (typeof v === "object" && v !== null && (v as { __esModule?: unknown }).__esModule === true) return (v as { default?: unknown }).default;
  return v;
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (typeof v === "function") return `a function${v.name ? ` '${v.name}'` : ""} (call it, or export its result)`;
  if (typeof v === "object") return `an object with keys ${Object.keys(v).join(", ") || "(none)"}`;
  return `a ${typeof v}`;
}

/**
 * The candidate scenario files under `dir`, sorted, as paths relative to the current directory:
 * .ts/.js modules (and their .mts/.cts/.mjs/.cjs forms), not declarations, not *.test.* or
 * *.spec.* files, not inside node_modules or dot-directories.
 */
export function findScenarioFiles(dir: string): string[] {
  const root = resolve(dir);
  if (!existsSync(root)) throw new CliError(`check: ${dir}: no such directory (check takes the directory of your scenario files; paths are relative to ${process.cwd()})`);
  if (!statSync(root).isDirectory()) throw new CliError(`${dir} is a file: check takes a directory of scenario files (to explore one file: wakesim fuzz ${dir})`);
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.name.startsWith(".") || e.name === "node_modules") continue;
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && SCENARIO_FILE.test(e.name) && !NOT_SCENARIO.test(e.name)) out.push(p);
    }
  };
  walk(root);
  return out.map((p) => relative(process.cwd(), p).split(sep).join("/") || p).sort();
}
