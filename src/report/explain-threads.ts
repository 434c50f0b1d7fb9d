/**
 * Explanations of what goes wrong between threads (src/threads, sim/threads.ts): a data race on
 * a plain cell, and a simulated thread that threw. Beside explain.ts's knowledge base, in its
 * shape.
 */
import type { Entry } from "./explain.js";

export const DATA_RACE: Entry = {
  title: "Data race on a plain cell",
  why:
    "Two threads touched a DataCell (plain memory), at least one writing, and nothing ordered the two accesses: no " +
    "atomic operation, lock, wake or thread start between them. On real hardware they may overlap or be seen out of " +
    "order (in Rust, undefined behaviour). Typical causes: a flag set before the value it hands over is written, a slot " +
    "read by the waking side while the registering side still writes it, a lock taken on one path only.",
  hints: [
    "Hand ownership over through an atomic (store the data, then set the flag; the reader loads the flag first), or guard both sides with one mutex.",
    "Read the Timeline rows of the two steps the report names: which synchronization is missing between them.",
  ],
};

/** A panic of a `sim.thread`: it has no poll and no JoinHandle (the task vocabulary does not fit). */
export const THREAD_PANIC: Entry = {
  title: "A thread threw",
  why:
    "A simulated thread's body threw between two of its steps, so the thread ended there, as an uncaught panic ends a " +
    "Rust thread. Typical causes: a state the code assumed impossible that this interleaving reaches (a value taken " +
    "twice, a count that went below zero, a slot freed twice), or an assertion of the scenario's own that caught the bug.",
  hints: [
    "Replay the token under a debugger: the run is deterministic, so it throws at the same step every time.",
    "Read the thread's lane in the Timeline: the steps just before the throw, and what the other threads did between them.",
  ],
};
