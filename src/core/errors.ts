/**
 * Errors thrown at the harness level (bad options, bad scenarios). Task panics are not errors
 * here: they are values on the join handle and violations in the outcome.
 */

/** An option or argument was invalid; the message names it and says how to fix it. */
export class OptionError extends Error {
  override readonly name = "OptionError";
  constructor(
    readonly option: string,
    message: string,
  ) {
    super(`invalid option '${option}': ${message}`);
  }
}

/**
 * A synchronous run (`sim.run`, runScenario, explore, replay) of a scenario with async tasks: they
 * need `runAsync` (runScenarioAsync, exploreAsync, replayAsync), which lets their promises settle.
 * `instead` is what the caller should use, when a more precise way exists (simProperty's says
 * simPropertyAsync).
 */
export class AsyncTasksError extends Error {
  override readonly name = "AsyncTasksError";
  /**
   * `spawnedBy`: the task whose poll spawned the async task (a scenario whose setup spawns none
   * cannot be told apart before a run: explorers that meet this error explore it again with
   * exploreAsync — the CLI does).
   */
  constructor(
    instead = "run it with `await sim.runAsync()` (or runScenarioAsync / exploreAsync / replayAsync)",
    readonly spawnedBy: { readonly task: string; readonly step: number } | null = null,
  ) {
    super(
      `${spawnedBy === null ? "this run has async tasks (sim.spawn was given an async function)" : `task '${spawnedBy.task}' spawned an async task in its poll at step ${spawnedBy.step}`}: ${instead} — ` +
        "a synchronous run cannot let their promises settle. (A function that returns a Future, as one made by asyncFn, is not one: spawn what it returns, sim.spawn(f()).)",
    );
  }
}

/** Suggests the closest known name for a misspelt key. */
export function closest(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Math.max(2, Math.floor(name.length / 3)) + 1;
  for (const k of known) {
    const d = editDistance(name.toLowerCase(), k.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = k;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}
