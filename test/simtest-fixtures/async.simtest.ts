// simTest on scenarios with async tasks (async-mutex from npm): the 0.4.1 semaphore's crowd-out
// fails, the 0.5.0 one passes; run by test/simtest.test.ts, also with WAKESIM_REPLAY.
import { simTest } from "wakesim/vitest";
import { heavyWaiter041, heavyWaiter050 } from "../../fixtures/promise/heavy-waiter.js";
simTest("the 0.4.1 semaphore lets the heavy waiter in", heavyWaiter041, { runs: 200 });
simTest("the 0.5.0 semaphore lets the heavy waiter in", heavyWaiter050, { runs: 200 });
// A future whose poll spawns an async task (the setup spawns none): explored async once its first run says so.
import pollSpawnsAsync from "../cli-fixtures/poll-spawns-async.js";
simTest("a poll that spawns an async task", pollSpawnsAsync, { runs: 100 });
