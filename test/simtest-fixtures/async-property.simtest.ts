// A simPropertyAsync that fails on purpose under vitest (p-limit's job that never settles); run by test/simtest.test.ts.
import fc from "fast-check";
import { test } from "vitest";
import { simPropertyAsync } from "wakesim";
import { pLimitMisuse } from "../../fixtures/promise/packages.js";

test("p-limit's jobs all finish, as an async property", async () => {
  await fc.assert(simPropertyAsync(pLimitMisuse), { seed: 1, numRuns: 50 });
});
