/**
 * wakesim/reactor — for leaf futures that register with the simulation's reactor themselves
 * (through `cx.runtime.reactor`): the reactor, its timers and the event base class.
 */
export { Reactor, Timer } from "./reactor.js";
export { ReactorEvent } from "./event-queue.js";
