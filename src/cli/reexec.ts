/**
 * `fuzz --workers N` (N ≥ 2) runs in a node started with V8's `--single-threaded-gc`.
 *
 * Why: V8's garbage collector hands parts of each collection to helper threads shared by every
 * worker thread of the process. With one worker, those helpers run on the otherwise idle core and
 * help; with a worker on every core they only compete with the workers for the cores, and a
 * scenario allocates on every poll. Measured on a 2-core machine (`npm run bench:workers`): two
 * workers with single-threaded GC scale clearly better than with the shared helpers. The flag is
 * process-wide and cannot be set once V8 is running (v8.setFlagsFromString crashes here), so
 * the command starts itself again with it: one extra node start-up (main.ts decides before
 * loading the rest of wakesim), before any scenario is loaded.
 *
 * The child runs in its own process group so that a Ctrl-C at the terminal reaches it once,
 * through this parent (which forwards SIGINT, SIGTERM and SIGHUP), not twice (a second Ctrl-C
 * means "quit at once"). It is tied to the parent by an IPC channel: if the parent dies, the child
 * stops as on Ctrl-C. Its exit code is this command's exit code; when a signal ended it, the code a
 * shell gives a process ended by that signal (128 + its number: SIGTERM 143), as when there is
 * no second process — never 1, which means "a violation".
 */
import { spawn } from "node:child_process";
import { constants } from "node:os";

const FLAG = "--single-threaded-gc";
/** Set in the child: never start a third process. */
const MARK = "WAKESIM_REEXEC";

/**
 * The --workers value of a fuzz command line, read without loading the argument parser (0 when
 * absent or not a number: fuzz's own parsing reports a bad value).
 */
export function workersFlag(argv: readonly string[]): number {
  let value: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--") break;
    if (a === "--workers") value = argv[++i];
    else if (a.startsWith("--workers=")) value = a.slice("--workers=".length);
  }
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : 0;
}

/** True when this process should start the command again with single-threaded GC. */
export function wantsSingleThreadedGc(workers: number): boolean {
  if (workers < 2 || process.platform === "win32") return false;
  if (process.env[MARK] === "1") return false;
  if (process.execArgv.includes(FLAG)) return false;
  const script = process.argv[1];
  return script !== undefined && script !== "";
}

/** Runs this same command in a child node with --single-threaded-gc; resolves with its exit code. */
export function rerunWithSingleThreadedGc(): Promise<number> {
  const args = [...process.execArgv, FLAG, process.argv[1]!, ...process.argv.slice(2)];
  const child = spawn(process.execPath, args, {
    stdio: ["inherit", "inherit", "inherit", "ipc"],
    detached: true,
    env: { ...process.env, [MARK]: "1" },
  });
  const signals = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
  const forward = (s: NodeJS.Signals) => (): void => {
    child.kill(s);
  };
  const handlers = signals.map((s) => [s, forward(s)] as const);
  for (const [s, h] of handlers) process.on(s, h);
  return new Promise((resolve, reject) => {
    child.once("error", (e) => {
      for (const [s, h] of handlers) process.off(s, h);
      reject(e);
    });
    child.once("exit", (code, signal) => {
      for (const [s, h] of handlers) process.off(s, h);
      resolve(code ?? 128 + (signal === null ? 0 : constants.signals[signal]));
    });
  });
}

/**
 * In the child: stop as on Ctrl-C when the parent goes away (its IPC channel closes), and keep
 * the channel from holding the event loop open. Before fuzz installs its Ctrl-C handler, that
 * SIGINT ends the process, as a Ctrl-C would.
 */
export function watchParent(): void {
  // process.channel is undefined in a process started without an IPC channel, and null once the
  // channel has closed.
  if (process.env[MARK] !== "1" || process.channel === undefined) return;
  const stop = (): void => {
    process.kill(process.pid, "SIGINT");
  };
  // The parent may have died while this process was starting up (loading wakesim takes a while):
  // "disconnect" was emitted before anyone listened, and will not be again.
  if (process.channel === null || !process.connected) return stop();
  process.channel.unref();
  process.once("disconnect", stop);
}
