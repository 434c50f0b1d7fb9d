/**
 * I/O results that are not data: the three markers a fake I/O call can return instead of a
 * string or a count, as mio's `io::ErrorKind::WouldBlock`, a zero-length read and
 * `ConnectionReset`.
 *
 * Invariants:
 *  1. Each marker is one unique symbol, compared with `===`; no other value equals it, in this
 *     sim or any other (they carry no per-run state, so sharing them across sims is safe).
 *  2. Data is never a marker: data is always a `string` (reads) or a `number` (write counts).
 */

/** The operation cannot make progress now; wait for the next readiness edge and retry. */
export const WOULD_BLOCK: unique symbol = Symbol("wakesim.WOULD_BLOCK");
export type WOULD_BLOCK = typeof WOULD_BLOCK;

/** The writer closed (or an `early-eof` fault cut the stream) and every byte before it was read. */
export const EOF: unique symbol = Symbol("wakesim.EOF");
export type EOF = typeof EOF;

/** The connection was reset (the `reset` fault, or a write after the reader saw an early EOF). */
export const RESET: unique symbol = Symbol("wakesim.RESET");
export type RESET = typeof RESET;

/** Any of the three markers. */
export type IoMarker = WOULD_BLOCK | EOF | RESET;

/** A short label for traces and messages: "WOULD_BLOCK", "EOF", "RESET", or the data length. */
export function describeIo(r: string | number | IoMarker): string {
  if (r === WOULD_BLOCK) return "WOULD_BLOCK";
  if (r === EOF) return "EOF";
  if (r === RESET) return "RESET";
  return typeof r === "string" ? `${r.length}B` : `${r}B`;
}
