// A simProperty that fails on purpose under vitest (the example's lost wakeup); run by test/simtest.test.ts.
import fc from "fast-check";
import { test } from "vitest";
import { simProperty } from "wakesim";
import example from "../../fixtures/example.js";

test("the buggy notify as a property", () => {
  fc.assert(simProperty(example), { seed: 1, numRuns: 200 });
});
