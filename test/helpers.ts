/**
 * Small correct primitives used by the harness's own tests (written against the public API,
 * as a user would).
 */
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { FutureBase, PENDING, ready, runScenario, WakerSlot, type Context, type Future, type Outcome, type Poll, type Scenario, type SimOptions } from "wakesim";
import { holdEscapeTraps } from "../src/oracles/escape-traps.js";

/** A one-way flag: `wait()` completes once `set()` was called. Keeps the latest waker. */
export class Flag {
  private isSet = false;
  private readonly slot = new WakerSlot();
  set(): void {
    this.isSet = true;
    this.slot.wake();
  }
  wait(): Future<void> & FutureBase<void> {
    const flag = this;
    return new (class extends FutureBase<void> {
      readonly label = "flag.wait";
      poll(cx: Context): Poll<void> {
        if (flag.isSet) return ready();
        flag.slot.register(cx);
        return PENDING;
      }
      drop(): void {
        flag.slot.clear();
      }
    })();
  }
}

/** A future that stays pending `n` polls, waking itself each time, then completes with `value`. */
export function spin<T>(n: number, value: T, log?: string[], name?: string): Future<T> {
  let left = n;
  return {
    poll(cx: Context): Poll<T> {
      if (log !== undefined && name !== undefined) log.push(name);
      if (left-- <= 0) return ready(value);
      cx.waker.wakeByRef();
      return PENDING;
    },
  };
}

/** A future that returns pending forever without arranging any wakeup (the classic bug). */
export function forgetful(): Future<never> {
  return { poll: () => PENDING, label: "forgetful" };
}

/** Records drop() calls. */
export function droppable<T>(inner: Future<T>, dropped: string[], name: string): Future<T> {
  return {
    poll: (cx) => inner.poll(cx),
    drop() {
      dropped.push(name);
      inner.drop?.();
    },
  };
}

/** Runs seeds [0, n) of a scenario and returns the first failing run (and its seed), or null. */
export function firstFailure(s: Scenario, n: number, opts: SimOptions = {}): { seed: number; out: Outcome } | null {
  const release = holdEscapeTraps(); // once for the batch
  try {
    for (let seed = 0; seed < n; seed++) {
      const out = runScenario(s, { seed, ...opts });
      if (!out.ok) return { seed, out };
    }
    return null;
  } finally {
    release();
  }
}

/** What the CLI printed and how it ended (`cli`). */
export interface CliRan {
  readonly code: number | null;
  readonly signal: string | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * The real CLI from the sources in a child process (repo root as cwd, no colour, CI set), killed
 * with SIGKILL after `killMs`: a command that hangs fails its test instead of hanging the run.
 */
export function cli(args: readonly string[], killMs = 90_000): Promise<CliRan> {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1", CI: "true" };
  delete env.FORCE_COLOR;
  delete env.WAKESIM_REEXEC;
  const root = fileURLToPath(new URL("..", import.meta.url));
  return new Promise((resolve) => {
    execFile(process.execPath, ["--import", "tsx", "--conditions=wakesim-source", "src/cli/main.ts", ...args], { cwd: root, env, maxBuffer: 64 << 20, timeout: killMs, killSignal: "SIGKILL" }, (err, stdout, stderr) => {
      const e = err as (Error & { code?: unknown; signal?: string | null }) | null;
      resolve({ code: e === null ? 0 : typeof e.code === "number" ? e.code : null, signal: e?.signal ?? null, stdout, stderr });
    });
  });
}
