/**
 * The file the fuzz pool's worker threads load (piscina); the work is in worker.ts.
 *
 * Why a separate entry: piscina loads a worker file with require() before it tries import().
 * Run from the TypeScript sources (tsx), that require() succeeds — tsx compiles the file, and all
 * it imports, into a CommonJS copy of wakesim — while the scenario files, loaded with import(),
 * get the ES-module copy: two copies of every module in one thread, and a hook set in one (the
 * fresh-closure diagnosis) never seen by the other. This entry loads worker.ts with a genuine
 * import(), which no compiler turns into require(), so a worker has the ES-module copy only, the
 * one its scenarios use. (From dist/ there is one copy either way.) The import starts at once:
 * a worker loads wakesim, and starts loading the scenario files, as soon as it starts.
 */
import { pathToFileURL } from "node:url";
import type { BlockResult, BlockTask, ReplayTask } from "./worker.js";
import type { ReplayDone } from "./replay.js";

type Worker = typeof import("./worker.js");
const importModule = new Function("url", "return import(url)") as (url: string) => Promise<unknown>;
// Loaded as CommonJS (tsx), import.meta is not this file's: __filename is.
const here = typeof __filename === "string" ? pathToFileURL(__filename).href : import.meta.url;

async function load(): Promise<Worker> {
  // From the sources, this thread's ES-module loader needs tsx too (a worker does not inherit the
  // main thread's loader hooks).
  if (here.endsWith(".ts")) ((await importModule("tsx/esm/api")) as { register(): void }).register();
  return (await importModule(new URL(here.endsWith(".ts") ? "./worker.ts" : "./worker.js", here).href)) as Worker;
}

const impl = load();
impl.catch(() => {}); // a failure to load is reported by the first task, which awaits it

export default async function task(t: BlockTask | ReplayTask): Promise<BlockResult[] | ReplayDone> {
  return (await impl).default(t);
}
