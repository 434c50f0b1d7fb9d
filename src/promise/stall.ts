/**
 * The stall notice: where no watchdog can stop a run with async tasks (exploreAsync, simTest,
 * simPropertyAsync in the user's own test runner — the CLI explores in a worker it can
 * terminate), a task stuck in code that never gives the event loop back hangs the thread, and a
 * test's timeout cannot fire. This cannot be stopped from inside the process, but it can be
 * said: a helper thread watches a heartbeat the runs beat on every step and, when a run has
 * stood still for `STALL_MS`, writes once to stderr which scenario, which step, and what to do.
 *
 * Rules:
 *  1. Costs a plain store per step; the helper thread starts before the first async run, is
 *     unref'd (it never keeps the process alive) and reads no clock: it counts its own ticks.
 *  2. It only speaks: nothing is stopped, no result changes.
 *  3. Off where something else watches (the CLI's pool workers call `stallNotice(false)`).
 */
/** How long a run may stand still before the notice (WAKESIM_STALL_NOTICE_MS, for tests; default 10 s). */
const STALL_MS = Number(process.env.WAKESIM_STALL_NOTICE_MS ?? "") || 10_000;

/** [beats, a run is on (1/0), its step, scenario-name version]. */
let beat: Int32Array | null = null;
let enabled = true;
let port: { postMessage(m: unknown): void } | null = null;
let lastName = "";

const builtin = <T>(id: string): T => (process as unknown as { getBuiltinModule(id: string): T }).getBuiltinModule(id);

/** Turns the notice on or off for this thread (rule 3). */
export function stallNotice(on: boolean): void {
  enabled = on;
}

let starting: Promise<void> | null = null;

/**
 * Null once the helper thread runs (or the notice is off); before, what to await before a run
 * begins: a new thread boots on its parent's event loop, so a run that never returned before it
 * booted would leave it unborn (measured: it printed only once the parent was free again).
 */
export function stallReady(): Promise<void> | null {
  if (!enabled || port !== null) return null;
  return (starting ??= start());
}

/** A run of `scenario` begins (its heartbeat starts). */
export function runBegins(scenario: string): void {
  if (!enabled || beat === null) return;
  if (scenario !== lastName) {
    lastName = scenario;
    port!.postMessage(scenario); // delivered even if this thread then never returns
  }
  beat![1] = 1;
  beat![0] = beat![0]! + 1;
}

/** The run is about to make step `step`. */
export function stepBeat(step: number): void {
  const b = beat;
  if (b === null) return;
  b[0] = b[0]! + 1;
  b[2] = step;
}

/** The run ended. */
export function runEnds(): void {
  if (beat !== null) beat[1] = 0;
}

async function start(): Promise<void> {
  let Worker: typeof import("node:worker_threads").Worker;
  try {
    Worker = builtin<typeof import("node:worker_threads")>("node:worker_threads").Worker;
  } catch {
    enabled = false;
    return;
  }
  const shared = new SharedArrayBuffer(16);
  const w = new Worker(WATCHER, { eval: true, workerData: { shared, stallMs: STALL_MS } });
  // Referenced until it runs (a run awaits that), unref'd after (rule 1).
  await new Promise<void>((resolve) => {
    w.once("online", resolve);
    w.once("error", () => {
      enabled = false; // a notice that cannot be given is no failure
      resolve();
    });
  });
  w.unref();
  if (!enabled) return;
  beat = new Int32Array(shared);
  port = w;
}

/** The helper thread (CommonJS, evaluated): polls the heartbeat, speaks once per stall. */
const WATCHER = `
const { workerData, parentPort } = require("node:worker_threads");
const { writeSync } = require("node:fs");
const beat = new Int32Array(workerData.shared);
let scenario = "?";
parentPort.on("message", (m) => { scenario = String(m); });
// Counted in ticks of its own interval, not read from a clock: how long is only said, never decided on.
const TICK_MS = 500;
let last = -1, idleMs = 0, told = false;
setInterval(() => {
  const b = Atomics.load(beat, 0);
  if (b !== last || Atomics.load(beat, 1) === 0) { last = b; idleMs = 0; told = false; return; }
  idleMs += TICK_MS;
  if (told || idleMs < workerData.stallMs) return;
  told = true;
  const s = Math.round(idleMs / 1000);
  try {
    writeSync(2, "\\nwakesim: a run of scenario '" + scenario + "' has not finished its step " + Atomics.load(beat, 2) + " (or the promise reactions after it) for about " + s + " s.\\n" +
      "  An async task is in code that never gives the event loop back: a loop with no await in it, or a promise\\n" +
      "  chain that never waits for a timer (while (!done) await null). Nothing can stop it inside this process, and\\n" +
      "  the test's timeout cannot fire: stop the run (Ctrl-C), and explore the scenario with \`npx wakesim fuzz <file>\`,\\n" +
      "  whose watchdog stops such a run and reports its step and replay token.\\n");
  } catch {}
}, TICK_MS); // keeps this thread alive; the parent unref'd the thread itself
`;
