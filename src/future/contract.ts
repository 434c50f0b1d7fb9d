/**
 * The poll contract between a future and the runtime that polls it: the rules a future itself
 * can break, and the error that stops the offending poll. The oracles (oracles/guard.ts,
 * oracles/contract.ts) decide when a rule is broken and how it is reported.
 */

/** The rules a future itself breaks (reported through `Runtime.contractBroken`). */
export type FutureContractRule =
  | "poll-after-ready"
  | "poll-after-drop"
  | "reentrant-poll"
  /** a future awaited something while it was being dropped (an async fn's `finally` that yields) */
  | "await-in-drop";

/** Thrown into the offending poll once a broken rule is reported, so it panics instead of carrying on in a broken state. */
export class ContractError extends Error {
  override readonly name = "ContractError";
}
