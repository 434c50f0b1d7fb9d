/**
 * How a run with async tasks is driven: each step runs in a macrotask of its own — a callback of
 * the real setImmediate, taken when this module loads (a run's own setImmediate is virtual) — so
 * that between two steps Node runs every process.nextTick callback and microtask queued so far,
 * and those they queue in turn, in the engine's own order; and what a step runs (a task's first
 * segment, a timer's callback) runs as a macrotask does natively: its nextTick callbacks before
 * its promise reactions.
 */
const realSetImmediate = globalThis.setImmediate;

/**
 * Calls `step` in successive macrotasks until it returns false; settles with what `done` returns
 * then, or with the error `step` or `done` threw.
 */
export function driveSteps<R>(step: () => boolean, done: () => R): Promise<R> {
  return new Promise<R>((resolve, reject) => {
    const next = (): void => {
      try {
        if (step()) realSetImmediate(next);
        else resolve(done());
      } catch (e) {
        reject(e);
      }
    };
    realSetImmediate(next);
  });
}

/** The end of the last async run that asked for its turn (rule of `oneAtATime`). */
let lastTurn: Promise<void> = Promise.resolve();

/**
 * Runs `run` once every async run that asked before it has ended. The globals a run with async
 * tasks owns (timers, clocks) are process-wide and its microtasks are not labelled with the run
 * they belong to, so two such runs stepping interleaved (two concurrent tests, or a test that
 * timed out while its exploration went on) would take each other's timers: they take turns.
 */
export async function oneAtATime<R>(run: () => Promise<R>): Promise<R> {
  const before = lastTurn;
  let done!: () => void;
  lastTurn = new Promise<void>((resolve) => (done = resolve));
  try {
    await before;
    return await run();
  } finally {
    done();
  }
}
