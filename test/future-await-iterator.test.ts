import { describe, expect, it } from "vitest";
import { FutureBase, PENDING, type Context, type Future, type Poll } from "wakesim";

class Never extends FutureBase<number> {
  poll(_cx: Context): Poll<number> {
    return PENDING;
  }
}

/** The one-yield generator FutureBase's iterator stands in for. */
function* reference(fut: Future<number>): Generator<Future<unknown>, number, unknown> {
  return (yield fut) as number;
}

type Step = ["next", unknown] | ["throw", unknown] | ["return", unknown];

/** Runs the same steps on both iterators and records what each returned or threw. */
function trace(it: Iterator<Future<unknown>, number, unknown>, steps: Step[]): unknown[] {
  return steps.map(([op, arg]) => {
    try {
      return { ok: it[op]!(arg as never) };
    } catch (e) {
      return { threw: e };
    }
  });
}

describe("FutureBase's iterator (what `yield* fut` drives)", () => {
  const scripts: Step[][] = [
    [["next", 1], ["next", 2], ["next", 3]],
    [["next", 1], ["throw", "boom"], ["next", 2]],
    [["throw", "early"], ["next", 1]],
    [["next", 1], ["return", 5], ["next", 2], ["throw", "late"]],
    [["return", 7], ["next", 1]],
  ];
  for (const steps of scripts) {
    it(`behaves as the one-yield generator: ${steps.map((s) => s[0]).join(", ")}`, () => {
      const fut = new Never();
      expect(trace(fut[Symbol.iterator](), steps)).toEqual(trace(reference(fut), steps));
    });
  }
});
