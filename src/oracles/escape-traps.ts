/**
 * Escape traps: while a simulation steps, the globals that would let real time, real randomness
 * or the real event loop into a run are replaced by traps that report the call (with the user's
 * call site) and answer deterministically, so the run stays a pure function of its choices.
 *
 * Rules:
 *  1. Installed when `run()` starts stepping and restored when it stops — always, also when the
 *     run throws (the caller restores in `finally`).
 *  2. Nested runs (a sim run inside another's poll) share the outer installation: only the
 *     outermost installs and restores, and each call is reported to the innermost running sim.
 *  3. Traps answer without touching the real world: Date.now/performance.now give virtual time,
 *     Math.random a seeded sequence, timers and microtasks are swallowed (never run), so the
 *     report shows the escape and the run still replays identically.
 */

/** What a trap reports to and asks of the running simulation. */
export interface EscapeSink {
  escapeCalled(api: string, callSite: string | null): void;
  /** Virtual time to hand out as milliseconds. */
  readonly now: number;
  /** A deterministic stand-in for Math.random. */
  escapeRandom(): number;
}

interface Installed {
  sinks: EscapeSink[];
  restore: () => void;
}

// The installation lives on the global object it patches (rule 2), under a registered symbol,
// so even two copies of wakesim in one process agree on it.
const KEY = Symbol.for("wakesim.escapeTraps");
type G = typeof globalThis & { [KEY]?: Installed };

/** Installs the traps (or joins the outer installation) and returns the function that undoes it. */
export function installEscapeTraps(sink: EscapeSink): () => void {
  const g = globalThis as G;
  const cur = g[KEY];
  if (cur !== undefined) {
    cur.sinks.push(sink);
    return () => {
      cur.sinks.pop();
    };
  }
  const inst: Installed = { sinks: [sink], restore: () => {} };
  const top = () => inst.sinks[inst.sinks.length - 1]!;
  const report = (api: string) => top().escapeCalled(api, callSite());
  const undo: (() => void)[] = [];
  const patch = <O extends object, K extends keyof O>(obj: O | undefined, key: K, value: O[K]) => {
    if (obj === undefined || obj === null) return;
    const had = Object.prototype.hasOwnProperty.call(obj, key);
    const prev = obj[key];
    obj[key] = value;
    undo.push(() => {
      if (had) obj[key] = prev;
      else delete obj[key];
    });
  };

  patch(Date, "now", () => (report("Date.now"), top().now));
  if (typeof performance !== "undefined") patch(performance, "now", () => (report("performance.now"), top().now));
  patch(Math, "random", () => (report("Math.random"), top().escapeRandom()));
  const fakeTimer = (api: string) => (..._args: unknown[]) => {
    report(api);
    return FAKE_HANDLE;
  };
  patch(g, "setTimeout", fakeTimer("setTimeout") as typeof setTimeout);
  patch(g, "setInterval", fakeTimer("setInterval") as typeof setInterval);
  patch(g, "setImmediate", fakeTimer("setImmediate") as unknown as typeof setImmediate);
  patch(g, "queueMicrotask", ((_cb: () => void) => report("queueMicrotask")) as typeof queueMicrotask);
  if (typeof process !== "undefined") patch(process, "nextTick", ((..._a: unknown[]) => report("process.nextTick")) as typeof process.nextTick);

  inst.restore = () => {
    for (let i = undo.length - 1; i >= 0; i--) undo[i]!();
    delete g[KEY];
  };
  g[KEY] = inst;
  return () => inst.restore();
}

// A timer handle that does nothing when cleared or unref'd.
const FAKE_HANDLE = Object.freeze({ ref: () => FAKE_HANDLE, unref: () => FAKE_HANDLE, hasRef: () => false, refresh: () => FAKE_HANDLE, [Symbol.toPrimitive]: () => 0 });

// wakesim's own source folder (src/ or dist/): frames under it are not the user's.
const OWN_ROOT = decodeURI(new URL("..", import.meta.url).pathname);

/** The first stack frame outside wakesim's own sources: the user's line that escaped. */
function callSite(): string | null {
  const stack = new Error().stack;
  if (stack === undefined) return null;
  for (const line of stack.split("\n").slice(1)) {
    if (line.includes(OWN_ROOT) || line.includes("node:internal")) continue;
    const m = /\(?((?:file:\/\/)?[^()\s]+:\d+:\d+)\)?\s*$/.exec(line.trim());
    if (m !== null) return m[1]!.replace(/^file:\/\//, "");
  }
  return null;
}
