/**
 * The Promise world: async functions as tasks (async-task.ts), the host's timers as reactor
 * events (host.ts), and the driver that runs each step in a macrotask of its own, so that the engine runs the
 * microtasks between steps (drain.ts).
 */
export { AsyncTask, type AsyncBody } from "./async-task.js";
export { VirtualHost, VirtualTimer } from "./host.js";
export { driveSteps, oneAtATime } from "./drain.js";
export { fromPromise, joined, TaskCancelledError } from "./bridge.js";
