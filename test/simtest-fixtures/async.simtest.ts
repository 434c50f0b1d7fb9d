// simTest on scenarios with async tasks (async-mutex from npm): the 0.4.1 semaphore's crowd-out
// fails, the 0.5.0 one passes; run by test/simtest.test.ts, also with WAKESIM_REPLAY.
import { simTest } from "wakesim/vitest";
import { heavyWaiter041, heavyWaiter050 } from "../../fixtures/promise/heavy-waiter.js";
simTest("the 0.4.1 semaphore lets the heavy waiter in", heavyWaiter041, { runs: 200 });
simTest("the 0.5.0 semaphore lets the heavy waiter in", heavyWaiter050, { runs: 200 });
