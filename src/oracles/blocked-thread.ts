/**
 * A thread blocked for good: at quiescence, a non-daemon simulated thread (or a worker whose
 * preemptible poll is in flight) waits for something nothing will ever do — a mutex never
 * unlocked (a deadlock, or a lock taken twice by one thread), a condition never notified, a park
 * never unparked. Reported as a liveness verdict on a monitor named after the thread.
 */
import type { Violation } from "./violation.js";

export function blockedThreadViolation(thread: string, waitsFor: string, step: number, time: number): Violation {
  return {
    kind: "liveness",
    monitor: `thread '${thread}'`,
    hotSteps: 0,
    bound: 0,
    atEnd: true,
    tasks: [],
    step,
    time,
    message:
      `${thread} was still blocked when the run went quiet, waiting for ${waitsFor}: nothing left in the run can ever give it that — ` +
      "a deadlock (two threads locking two mutexes in opposite orders, a mutex locked twice), or a notification or unpark that was lost",
  };
}
