/**
 * Escape traps: while a simulation steps, the globals that would let real time, real randomness
 * or the real event loop into a run are replaced by traps that report the call (with the user's
 * call site) and answer deterministically, so the run stays a pure function of its choices.
 *
 * Rules:
 *  1. Installed when `run()` starts stepping and restored when it stops — always, also when the
 *     run throws (the caller restores in `finally`). Except the exports of node:timers,
 *     node:timers/promises and node:crypto: wrapped at the first installation and left wrapped,
 *     the wrappers answering as the real functions outside runs. What `import { randomInt } from
 *     "node:crypto"` binds to follows a patch only once `syncBuiltinESMExports` runs, which costs
 *     30–80 µs — twice per run had made a lone runScenario (a simProperty run) 4× slower.
 *  2. Nested runs (a sim run inside another's poll, or many runs inside `holdEscapeTraps`) share
 *     the outer installation: only the outermost installs and restores, and each call is
 *     reported to the innermost running sim.
 *  3. Traps answer without touching the real world: Date.now/performance.now give virtual time,
 *     Math.random a seeded sequence, timers and microtasks are swallowed (never run), so the
 *     report shows the escape and the run still replays identically.
 *  4. While the running sim has a timer host (a run with async tasks), timers are not escapes:
 *     setTimeout/setInterval/setImmediate and their clears (global, node:timers, and
 *     node:timers/promises' setTimeout and setImmediate) are the host's, Date and
 *     performance.now read virtual time unreported, and queueMicrotask and process.nextTick are
 *     the real ones — the engine orders microtasks, the simulation everything after them.
 *     What stays outside (randomness, real I/O) is still an escape.
 *  5. A real promise made during a synchronous run (an async function called from a poll,
 *     `Promise.resolve().then(…)`) is an escape: its reactions run after the run, outside the
 *     simulation — never a task "waiting for a wake that never comes". Its call site is the
 *     user's line that made it; runs with async tasks (runAsync) drive promises instead.
 */
import { userFrame } from "../core/call-site.js";

/** What a trap reports to and asks of the running simulation. */
export interface EscapeSink {
  escapeCalled(api: string, callSite: string | null): void;
  /** Virtual time to hand out as milliseconds. */
  readonly now: number;
  /** A deterministic stand-in for Math.random. */
  escapeRandom(): number;
  /**
   * The run's own timers, while it runs async tasks (src/promise/host.ts): timers and their
   * clears go to it, the clocks read virtual time without an escape, and microtasks run for real
   * (rule 4). Null in a run of futures only.
   */
  readonly host: TimerHost | null;
}

/** The virtual timers of a run with async tasks: the globals' stand-ins while it runs. */
export interface TimerHost {
  setTimeout(args: readonly unknown[]): unknown;
  setInterval(args: readonly unknown[]): unknown;
  setImmediate(args: readonly unknown[]): unknown;
  /** clearTimeout, clearInterval and clearImmediate: false when `handle` is not one of this host's (a real timer's: the real clear runs). */
  clear(handle: unknown): boolean;
}

// Module state, because what it guards is process-wide: the patched globals. `sinks` is the stack
// of running sims (innermost last); `depth` counts installers. (The other module state in src/ is
// process-wide too: async-fn.ts's generator watcher, watchdog.ts's reused vm sandbox, cli/load.ts's
// TypeScript loader registration, promise/where.ts's promise hooks.)
const sinks: EscapeSink[] = [];
let depth = 0;
let saved: (() => void) | null = null;

const top = (): EscapeSink | undefined => sinks[sinks.length - 1];
const report = (api: string): void => top()?.escapeCalled(api, callSite());
/** Rule 4: reading the clock is no escape in a run whose timers are virtual. */
const reportUnhosted = (api: string): void => {
  if (top()?.host == null) report(api);
};

// The traps are made once: assigning the same function objects on every install keeps V8's
// view of these globals stable (fresh closures per run cost a deoptimisation each time).
const FAKE_HANDLE = Object.freeze({ ref: () => FAKE_HANDLE, unref: () => FAKE_HANDLE, hasRef: () => false, refresh: () => FAKE_HANDLE, [Symbol.toPrimitive]: () => 0 });
const NOOP = (): void => {};
const TRAPS = {
  dateNow: () => (reportUnhosted("Date.now"), top()?.now ?? 0),
  perfNow: () => (reportUnhosted("performance.now"), top()?.now ?? 0),
  random: () => (report("Math.random"), top()?.escapeRandom() ?? 0.5),
  setTimeout: (..._a: unknown[]) => (report("setTimeout"), FAKE_HANDLE),
  setInterval: (..._a: unknown[]) => (report("setInterval"), FAKE_HANDLE),
  setImmediate: (..._a: unknown[]) => (report("setImmediate"), FAKE_HANDLE),
  queueMicrotask: (_cb: unknown) => report("queueMicrotask"),
  nextTick: (..._a: unknown[]) => report("process.nextTick"),
  hrtime: (prev?: [number, number]) => {
    report("process.hrtime");
    const ns = (top()?.now ?? 0) * 1e6;
    const t: [number, number] = [Math.floor(ns / 1e9), ns % 1e9];
    return prev === undefined ? t : [t[0] - prev[0], t[1] - prev[1]];
  },
  hrtimeBigint: () => (report("process.hrtime.bigint"), BigInt(top()?.now ?? 0) * 1_000_000n),
  randomUUID: () => {
    report("crypto.randomUUID");
    const hex = (n: number) => Math.floor((top()?.escapeRandom() ?? 0.5) * 16 ** n).toString(16).padStart(n, "0");
    return `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`;
  },
  getRandomValues: <T extends ArrayBufferView | null>(array: T): T => {
    report("crypto.getRandomValues");
    if (array !== null) {
      const bytes = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
      for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor((top()?.escapeRandom() ?? 0.5) * 256);
    }
    return array;
  },
};

// `new Date()` (no argument) reads the wall clock, and `Date()` (called, no `new`) returns it as a
// string: during a run the global Date is this stand-in, which answers both with virtual time.
// With arguments it is the real Date. It is a function, not a class, because a class cannot be
// called without `new` ("Class constructor cannot be invoked without 'new'" was a panic of the
// task instead of a reported escape). It shares Date's prototype, so `instanceof Date` holds for
// every date, and inherits Date's statics (Date.now is trapped on the real Date).
const RealDate = Date;
function SimDate(this: unknown, ...args: unknown[]): unknown {
  if (new.target === undefined) {
    if (sinks.length === 0) return RealDate();
    reportUnhosted("Date");
    return new RealDate(top()?.now ?? 0).toString();
  }
  if (args.length === 0 && sinks.length > 0) {
    reportUnhosted("new Date");
    return Reflect.construct(RealDate, [top()?.now ?? 0], new.target);
  }
  return Reflect.construct(RealDate, args, new.target);
}
SimDate.prototype = RealDate.prototype;
Object.setPrototypeOf(SimDate, RealDate);
Object.defineProperty(SimDate, "name", { value: "Date" });

// node:crypto's own functions read the OS's randomness too (its getRandomValues delegates to
// globalThis.crypto, trapped above). Callback forms are swallowed, as timers are: the callback
// would run on the real event loop. Sync forms answer from the run's deterministic sequence.
const randomByte = (): number => Math.floor((top()?.escapeRandom() ?? 0.5) * 256);
const fillView = (view: ArrayBufferView, offset = 0, size?: number): void => {
  const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
  const end = size === undefined ? bytes.length : Math.min(bytes.length, offset + size);
  for (let i = offset; i < end; i++) bytes[i] = randomByte();
};
const NODE_CRYPTO_TRAPS = {
  randomUUID: TRAPS.randomUUID,
  randomInt: (...a: unknown[]) => {
    report("crypto.randomInt");
    if (typeof a[a.length - 1] === "function") return undefined;
    const [min, max] = typeof a[1] === "number" ? [a[0] as number, a[1]] : [0, a[0] as number];
    return min + Math.floor((top()?.escapeRandom() ?? 0.5) * (max - min));
  },
  randomBytes: (size: number, cb?: unknown) => {
    report("crypto.randomBytes");
    if (typeof cb === "function") return undefined;
    const b = Buffer.alloc(size);
    fillView(b);
    return b;
  },
  randomFillSync: <T extends ArrayBufferView>(view: T, offset?: number, size?: number): T => {
    report("crypto.randomFillSync");
    fillView(view, offset, size);
    return view;
  },
  randomFill: (..._a: unknown[]) => report("crypto.randomFill"),
};

// node:timers/promises outside a run with a host: an escape, and a promise that never settles
// (the real timer would settle it at a moment of real time).
const PROMISED_TRAPS = {
  setTimeout: (..._a: unknown[]) => (report("timers/promises.setTimeout"), new Promise(() => {})),
  setImmediate: (..._a: unknown[]) => (report("timers/promises.setImmediate"), new Promise(() => {})),
};

/** A Node built-in module, where there is one (null in a browser). */
function nodeBuiltin<T>(id: string): T | null {
  const get = typeof process === "undefined" ? undefined : (process as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule;
  return typeof get === "function" ? ((get.call(process, id) as T | undefined) ?? null) : null;
}

/**
 * Installs the traps (or joins the installation already in place) with `sink` as the running
 * simulation, and returns the function that undoes exactly that.
 */
export function installEscapeTraps(sink: EscapeSink): () => void {
  sinks.push(sink);
  const leave = holdEscapeTraps(sink.host === null);
  return () => {
    sinks.pop();
    leave();
  };
}

/**
 * Keeps the traps installed until the returned function is called, so that many runs in a row
 * (an exploration) install them once instead of once per run. Calls made while no simulation
 * is running are passed to the real functions. `promises`: also report a real promise made
 * during a synchronous run (rule 5) — off for runs with async tasks, whose promises are theirs.
 */
export function holdEscapeTraps(promises = true): () => void {
  if (depth++ === 0) saved = install(promises);
  let left = false;
  return () => {
    if (left) return;
    left = true;
    if (--depth === 0) {
      saved?.();
      saved = null;
    }
  };
}

/** Where the installation stands: taken before code that may be terminated (src/explore/watchdog.ts). */
export interface EscapeTrapsMark {
  readonly sinks: number;
  readonly depth: number;
}

export function escapeTrapsMark(): EscapeTrapsMark {
  return { sinks: sinks.length, depth };
}

/**
 * Puts the installation back where `mark` found it, after JavaScript was terminated (a watchdog's
 * vm timeout) and the `finally` blocks that restore it never ran: the sims that were running are
 * popped — and returned, innermost last, so that the watchdog can say which task hung — and the
 * real globals come back if nothing held the traps at the mark.
 */
export function unwindEscapeTraps(mark: EscapeTrapsMark): EscapeSink[] {
  const popped = sinks.splice(mark.sinks);
  if (depth > mark.depth) {
    depth = mark.depth;
    if (depth === 0) {
      saved?.();
      saved = null;
    }
  }
  return popped;
}

function install(promises: boolean): () => void {
  const undo: (() => void)[] = [];
  const hooks = promises ? nodeBuiltin<typeof import("node:v8")>("node:v8")?.promiseHooks : undefined;
  if (hooks !== undefined) {
    const off = hooks.onInit(promiseMade);
    undo.push(() => off());
  }
  // Patch the property where it lives (performance.now is on Performance.prototype), so that
  // restoring is a plain assignment, never an add-then-delete that reshapes the object.
  const patch = (obj: object | undefined, key: string, trap: (...a: never[]) => unknown, hosted: Hosted | undefined = HOSTED[key]) => {
    let owner: object | null = obj ?? null;
    while (owner !== null && !Object.prototype.hasOwnProperty.call(owner, key)) owner = Object.getPrototypeOf(owner) as object | null;
    if (owner === null) return;
    const d = Object.getOwnPropertyDescriptor(owner, key);
    if (d?.writable !== true || typeof d.value !== "function") return; // an accessor (node:crypto's getRandomValues) is left alone
    const o = owner as Record<string, unknown>;
    const real = o[key] as (...a: unknown[]) => unknown;
    o[key] = wrapperFor(o, key, real, trap as (...a: unknown[]) => unknown, hosted);
    undo.push(() => {
      o[key] = real;
    });
  };
  patch(Date, "now", TRAPS.dateNow);
  const realDate = globalThis.Date;
  globalThis.Date = SimDate as unknown as DateConstructor;
  undo.push(() => {
    globalThis.Date = realDate;
  });
  if (typeof performance !== "undefined") patch(performance, "now", TRAPS.perfNow);
  patch(Math, "random", TRAPS.random);
  patch(globalThis, "setTimeout", TRAPS.setTimeout);
  patch(globalThis, "setInterval", TRAPS.setInterval);
  patch(globalThis, "setImmediate", TRAPS.setImmediate);
  patch(globalThis, "clearTimeout", NOOP);
  patch(globalThis, "clearInterval", NOOP);
  patch(globalThis, "clearImmediate", NOOP);
  patch(globalThis, "queueMicrotask", TRAPS.queueMicrotask);
  if (typeof process !== "undefined") {
    patch(process, "nextTick", TRAPS.nextTick);
    patch(process.hrtime, "bigint", TRAPS.hrtimeBigint);
    patch(process, "hrtime", TRAPS.hrtime); // its wrapper carries the patched .bigint along
  }
  if (typeof globalThis.crypto !== "undefined") {
    patch(globalThis.crypto, "randomUUID", TRAPS.randomUUID);
    patch(globalThis.crypto, "getRandomValues", TRAPS.getRandomValues);
  }
  // node:timers and node:timers/promises (what `import { setTimeout } from "node:timers/promises"`
  // binds to) and node:crypto: the same rules as the globals, wrapped once and left so (rule 1).
  let wrapped = false;
  const keep = (obj: Record<string, unknown> | null, key: string, trap: (...a: never[]) => unknown, hosted?: Hosted) => {
    if (obj === null || ours.has(obj[key] as object)) return;
    const n = undo.length;
    patch(obj, key, trap, hosted);
    if (undo.length === n) return; // not patched (rule of `patch`: only writable functions)
    undo.pop(); // not restored
    wrapped = true;
  };
  const timers = nodeBuiltin<Record<string, unknown>>("node:timers");
  for (const key of ["setTimeout", "setInterval", "setImmediate"] as const) keep(timers, key, TRAPS[key]);
  for (const key of ["clearTimeout", "clearInterval", "clearImmediate"]) keep(timers, key, NOOP);
  const timersPromises = nodeBuiltin<Record<string, unknown>>("node:timers/promises");
  keep(timersPromises, "setTimeout", PROMISED_TRAPS.setTimeout, (h, a) => new Promise((resolve) => h.setTimeout([() => resolve(a[1]), a[0]])));
  keep(timersPromises, "setImmediate", PROMISED_TRAPS.setImmediate, (h, a) => new Promise((resolve) => h.setImmediate([() => resolve(a[0])])));
  const crypto = nodeBuiltin<Record<string, unknown>>("node:crypto");
  for (const [key, trap] of Object.entries(NODE_CRYPTO_TRAPS)) keep(crypto, key, trap as (...a: never[]) => unknown);
  if (wrapped) nodeBuiltin<{ syncBuiltinESMExports?: () => void }>("node:module")?.syncBuiltinESMExports?.();
  return () => {
    for (let i = undo.length - 1; i >= 0; i--) undo[i]!();
  };
}

// Rule 4: what a patched global does while the running sim has a timer host. PASS: the real
// function without a host (clearing a real timer is harmless), the host's clear with one.
const PASS = 1;
const REAL_WITH_HOST = 2;
type Hosted = ((h: TimerHost, args: unknown[]) => unknown) | typeof PASS | typeof REAL_WITH_HOST;
const HOSTED: Record<string, Hosted | undefined> = {
  setTimeout: (h, a) => h.setTimeout(a),
  setInterval: (h, a) => h.setInterval(a),
  setImmediate: (h, a) => h.setImmediate(a),
  clearTimeout: PASS,
  clearInterval: PASS,
  clearImmediate: PASS,
  queueMicrotask: REAL_WITH_HOST,
  nextTick: REAL_WITH_HOST,
};

/** Rule 5: a real promise made while a synchronous run steps. */
function promiseMade(): void {
  const s = top();
  if (s === undefined || s.host !== null) return;
  report("Promise");
}

// One wrapper per (global, real function), reused across installs for the reason given at TRAPS.
const wrappers = new WeakMap<object, Map<string, { real: unknown; wrapper: (...a: unknown[]) => unknown }>>();

/** Every wrapper made here (rule 1: a module export already wrapped is left as it is). */
const ours = new WeakSet<object>();

function wrapperFor(o: object, key: string, real: (...a: unknown[]) => unknown, trap: (...a: unknown[]) => unknown, hosted: Hosted | undefined) {
  let byKey = wrappers.get(o);
  if (byKey === undefined) wrappers.set(o, (byKey = new Map()));
  const hit = byKey.get(key);
  if (hit !== undefined && hit.real === real) return hit.wrapper;
  // Outside any run (between runs of a held installation) the real function answers.
  const wrapper = function (this: unknown, ...args: unknown[]) {
    if (sinks.length === 0) return real.apply(this, args);
    if (hosted !== undefined) {
      const host = top()!.host;
      if (host === null) return hosted === PASS ? real.apply(this, args) : trap(...args);
      return hosted === REAL_WITH_HOST ? real.apply(this, args) : hosted === PASS ? (host.clear(args[0]) ? undefined : real.apply(this, args)) : hosted(host, args);
    }
    return trap(...args);
  };
  Object.assign(wrapper, real); // function-valued properties such as process.hrtime.bigint
  byKey.set(key, { real, wrapper });
  ours.add(wrapper);
  return wrapper;
}

/** The first stack frame outside wakesim's own sources: the user's line that escaped. */
function callSite(): string | null {
  return userFrame(new Error().stack);
}
