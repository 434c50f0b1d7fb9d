// A simTest that fails on purpose (the example's lost wakeup); run by test/simtest.test.ts.
import { simTest } from "wakesim/vitest";
import example from "../../fixtures/example.js";

simTest("the buggy notify never loses a wakeup", example, { runs: 500 });
