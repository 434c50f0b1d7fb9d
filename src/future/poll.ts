/**
 * Poll: the result of one `poll(cx)` — ready with a value, or pending.
 *
 * As in Rust's `std::task::Poll`. `PENDING` is a single frozen value so that returning it
 * allocates nothing; `ready(v)` allocates a small object so `isReady` narrows the type.
 */

/** A finished poll carrying the future's output. */
export interface Ready<T> {
  readonly ready: true;
  readonly value: T;
}

/** A poll that could not finish; the future has arranged for its waker to be woken. */
export interface Pending {
  readonly ready: false;
}

/** The result of polling a `Future<T>`. */
export type Poll<T> = Ready<T> | Pending;

/** The one pending value. Return it from `poll` after arranging a wakeup. */
export const PENDING: Pending = Object.freeze({ ready: false as const });

/** Wraps a value as a finished poll. */
export function ready<T>(value: T): Ready<T>;
export function ready(): Ready<void>;
export function ready<T>(value?: T): Ready<T | undefined> {
  return { ready: true, value };
}

/** True when the poll finished; narrows to `Ready<T>`. */
export function isReady<T>(p: Poll<T>): p is Ready<T> {
  return p.ready;
}

/** True when the poll is pending. */
export function isPending<T>(p: Poll<T>): p is Pending {
  return !p.ready;
}
