// A simTest that fails on purpose (the example's lost wakeup), next to one that passes; run by
// test/simtest.test.ts, which also reruns this file with WAKESIM_REPLAY set to the failure's token.
import { simTest } from "wakesim/vitest";
import example from "../../fixtures/example.js";
simTest("the buggy notify never loses a wakeup", example, { runs: 500 });

import { defineScenario } from "wakesim";
import { spin } from "../helpers.js";
simTest("two spinners never fail", defineScenario({ name: "spinners", setup(sim) {
  sim.spawn(spin(3, 0), { name: "a" });
  sim.spawn(spin(3, 0), { name: "b" });
} }), { runs: 100 });
