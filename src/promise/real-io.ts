/**
 * Real I/O in a run with async tasks: a task that awaits a real file, network or DNS operation
 * waits for something the simulation neither owns nor waits for (its result would come in real
 * time, after the run went quiet). Node lists what the thread waits for
 * (`process.getActiveResourcesInfo()`); what a run added to that list, and still waits for when
 * the run goes quiet, is reported as an escape rather than as a task nobody woke.
 *
 * Rules:
 *  1. Timers and immediates are not I/O here: the harness's own (the hop between steps, a test
 *     runner's timeouts) come and go during a run.
 *  2. Counted by kind, against the list when the run began: a kind is reported only if more of
 *     it are pending at quiescence than when the run began.
 *  3. A run that ends so waits (real time, up to a bound) for that I/O to end before the next run
 *     begins, so that each run starts from the same list — the failure's replay included, which
 *     then reports the same escape.
 */
/** Node's real setTimeout, taken at load (a run's own is virtual). */
const realSetTimeout = globalThis.setTimeout;
const NOT_IO = new Set(["Timeout", "Immediate"]);

/** How many resources of each kind the thread waits for now (rule 1). */
export function realIoSnapshot(): Map<string, number> {
  const m = new Map<string, number>();
  for (const kind of process.getActiveResourcesInfo()) if (!NOT_IO.has(kind)) m.set(kind, (m.get(kind) ?? 0) + 1);
  return m;
}

/** The kinds of real I/O pending now beyond `before` (rule 2), in words: ["file (FSReqPromise)"]. */
export function realIoStarted(before: ReadonlyMap<string, number>): string[] {
  const out: string[] = [];
  for (const [kind, n] of realIoSnapshot()) if (n > (before.get(kind) ?? 0)) out.push(`${WHAT.find(([re]) => re.test(kind))?.[1] ?? "I/O"} (${kind})`);
  return out;
}

/** What Node's resource kinds are, in a user's words. */
const WHAT: readonly (readonly [RegExp, string])[] = [
  [/^(FSReq|CloseReq|FileHandle|StatWatcher|FSEvent)/, "file"],
  [/^(GetAddrInfo|GetNameInfo|QueryReq)/, "DNS"],
  [/^(TCP|UDP|Pipe|TLS|HTTP|Connect|Shutdown|Write)/, "network"],
  [/^(Process|Signal)/, "child process"],
];

/** Waits, polling every few milliseconds of real time, until no real I/O beyond `before` is pending, or `limitMs` passed (rule 3). */
export async function settleRealIo(before: ReadonlyMap<string, number>, limitMs = 2000): Promise<void> {
  for (let waited = 0; waited < limitMs && realIoStarted(before).length > 0; waited += 5) {
    await new Promise<void>((r) => realSetTimeout(r, 5));
  }
}
