/**
 * Violations: what a failure is (DESIGN §5), as a discriminated union by `kind`.
 * Every violation names the tasks involved, the step and the virtual time, and carries a
 * message a person can read without the rest of the report.
 */

/** Why a stuck task is stuck. */
export type StuckDiagnosis =
  /** it was woken after its last poll, but the executor never offered it again */
  | "executor-lost-wake"
  /** someone holds a clone of its waker but nobody woke it (lost notification or wait cycle) */
  | "waker-held-never-woken"
  /** it returned pending with no clone of its waker held anywhere and nothing registered */
  | "no-wake-source";

export interface StuckTask {
  readonly task: string;
  readonly diagnosis: StuckDiagnosis;
  /** Step of its last poll (-1 if never polled). */
  readonly lastPolledStep: number;
  /** Clones of its wakers still held (by anyone). */
  readonly wakersHeld: number;
  readonly explanation: string;
}

interface Base {
  readonly message: string;
  readonly step: number;
  readonly time: number;
  readonly tasks: readonly string[];
}

export type Violation =
  | (Base & { readonly kind: "lost-wakeup"; readonly stuck: readonly StuckTask[] })
  | (Base & { readonly kind: "panic"; readonly task: string; readonly error: string; readonly stack: string })
  | (Base & {
      readonly kind: "contract";
      readonly rule: "waker-borrowed-after-poll" | "waker-used-after-consume" | "poll-after-ready" | "reentrant-poll";
      readonly task: string;
    })
  | (Base & { readonly kind: "step-limit"; readonly maxSteps: number });

export type ViolationKind = Violation["kind"];
