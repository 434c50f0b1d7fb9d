/**
 * The Promise world: async functions as tasks (async-task.ts), the host's timers as reactor
 * events (host.ts), and the driver that runs the steps of runs with async tasks in real
 * macrotasks, with the engine's own drain of the microtasks after each step (drain.ts).
 */
export { AsyncTask, type AsyncBody } from "./async-task.js";
export { VirtualHost, VirtualTimer } from "./host.js";
export { takeTurn, type SteppedRun } from "./drain.js";
export { fromPromise, joined, TaskCancelledError } from "./bridge.js";
