/**
 * wakesim/trace — the record of a run: trace events and their text form, and the replay-token
 * codec.
 */
export type { TraceEvent } from "./event.js";
export { formatTrace, formatEvent } from "./event.js";
export { formatToken, parseToken, TokenError, TOKEN_VERSION } from "./token.js";
export type { ReplayToken } from "./token.js";
