/**
 * Shrinking a failing schedule: delta debugging (Zeller & Hildebrandt, "Simplifying and
 * Isolating Failure-Inducing Input", TSE 2002) over the recorded choice list, toward "0
 * everywhere" — the default, in-order, fault-free schedule.
 *
 * A candidate list is accepted when replaying it makes the *same oracle* fire (same violation
 * kind and sub-kind) and it is smaller by the measure (number of non-zero choices, then their
 * sum, then length). Passes, repeated until none helps or the budget runs out:
 *  1. zero out chunks of halving size (removes deviations and the faults they injected);
 *  2. lower each remaining non-zero choice (a smaller index: a nearer alternative);
 *  3. delete chunks (the run may need fewer decisions altogether);
 *  4. switch off fault kinds the run no longer needs.
 * The accepted list is always the *recorded* choices of the accepting run, so it is a real,
 * exactly replayable schedule.
 *
 * Guarantees (checked by properties/shrink.test.ts):
 *  a. the result fails with the same oracle (`oracleSignature`) as the run found;
 *  b. it is no longer and has no more non-zero choices than the run found: a replayed list
 *     answers v mod n ≤ v and 0 past its end, so a rerun's recorded choices are pointwise at
 *     most the candidate's;
 *  c. when it stops within its budget, it is 1-minimal: no single non-zero choice set to 0, and
 *     no single choice removed, still fails with that oracle. The last round tried each (passes
 *     1 and 3 at size 1), and by (b) any such candidate that failed records a list smaller by
 *     the measure, so it would have been accepted and the rounds would have gone on.
 */
import { withoutTrailingDefaults } from "../chooser/replay.js";
import type { FaultKind } from "../chooser/chooser.js";
import type { Outcome } from "../sim/outcome.js";
import { oracleSignature } from "../oracles/vocabulary.js";

export interface ShrinkInput {
  readonly choices: readonly number[];
  readonly faults: readonly FaultKind[];
}

export interface ShrinkResult extends ShrinkInput {
  /** The outcome of the last accepted run. */
  readonly outcome: Outcome;
  /** Accepted reductions. */
  readonly steps: number;
  /** Runs tried (accepted or not). */
  readonly runs: number;
}

/** Reruns the scenario with these choices and fault kinds. */
export type Rerun = (choices: readonly number[], faults: readonly FaultKind[]) => Outcome;

export function shrink(start: Outcome & ShrinkInput, rerun: Rerun, maxRuns: number): ShrinkResult {
  const g = shrinkSteps(start, maxRuns);
  let r = g.next();
  while (r.done !== true) r = g.next(rerun(r.value.choices, r.value.faults));
  return r.value;
}

/**
 * The shrinker as a coroutine: it yields each rerun it wants and is resumed with its outcome, so
 * one algorithm serves synchronous runs (`shrink`) and runs with async tasks (exploreAsync).
 */
export function* shrinkSteps(start: Outcome & ShrinkInput, maxRuns: number): Generator<ShrinkInput, ShrinkResult, Outcome> {
  const want = oracleSignature(start.violations[0]!);
  let best: ShrinkInput = { choices: withoutTrailingDefaults(start.choices), faults: start.faults };
  let bestOutcome: Outcome = start;
  let steps = 0;
  let runs = 0;

  function* attempt(choices: readonly number[], faults: readonly FaultKind[] = best.faults): Generator<ShrinkInput, boolean, Outcome> {
    if (runs >= maxRuns) return false;
    runs++;
    const out = yield { choices, faults };
    const v = out.violations[0];
    if (v === undefined || oracleSignature(v) !== want) return false;
    const cand = { choices: withoutTrailingDefaults(out.choices), faults };
    if (!smaller(cand, best)) return false;
    best = cand;
    bestOutcome = out;
    steps++;
    return true;
  }

  for (let improved = true; improved && runs < maxRuns; ) {
    improved = false;
    // 1. zero out chunks, largest first
    for (let size = Math.ceil(best.choices.length / 2); size >= 1 && runs < maxRuns; size = size === 1 ? 0 : Math.ceil(size / 2)) {
      for (let i = 0; i < best.choices.length && runs < maxRuns; i += size) {
        const c = best.choices.slice();
        let changed = false;
        for (let k = i; k < Math.min(i + size, c.length); k++) if (c[k] !== 0) (c[k] = 0), (changed = true);
        if (changed && (yield* attempt(c))) improved = true;
      }
    }
    // 2. lower non-zero choices: halve, then step down by one
    for (let i = 0; i < best.choices.length && runs < maxRuns; i++) {
      const v = best.choices[i]!;
      for (const lower of v > 2 ? [v >> 1, v - 1] : v > 1 ? [v - 1] : []) {
        const c = best.choices.slice();
        c[i] = lower;
        if (yield* attempt(c)) {
          improved = true;
          break;
        }
      }
    }
    // 3. delete chunks
    for (let size = Math.ceil(best.choices.length / 2); size >= 1 && runs < maxRuns; size = size === 1 ? 0 : Math.ceil(size / 2)) {
      for (let i = 0; i + size <= best.choices.length && runs < maxRuns; i += size) {
        const c = [...best.choices.slice(0, i), ...best.choices.slice(i + size)];
        if (yield* attempt(c)) improved = true;
      }
    }
    // 4. switch off fault kinds
    for (const f of best.faults) {
      if (runs >= maxRuns) break;
      if (yield* attempt(best.choices, best.faults.filter((x) => x !== f))) improved = true;
    }
  }
  return { ...best, outcome: bestOutcome, steps, runs };
}

function measure(s: ShrinkInput): [number, number, number, number] {
  let nonZero = 0;
  let sum = 0;
  for (const v of s.choices) {
    if (v !== 0) nonZero++;
    sum += v;
  }
  return [nonZero, sum, s.choices.length, s.faults.length];
}

function smaller(a: ShrinkInput, b: ShrinkInput): boolean {
  const ma = measure(a);
  const mb = measure(b);
  for (let i = 0; i < ma.length; i++) if (ma[i] !== mb[i]) return ma[i]! < mb[i]!;
  return false;
}
