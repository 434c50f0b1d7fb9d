/**
 * The poll matchers, registered on vitest's `expect` when this module is imported — which
 * `import "wakesim/vitest"` does (vitest.ts imports it), so one import gives a test file both
 * `simTest` and these:
 *
 *   expect(t.poll()).toBePending();
 *   expect(t.poll()).toBeReady();
 *   expect(t.poll()).toBeReadyWith(42);      // deep equality
 *   expect(t).toBeWoken();                    // woken since its latest poll
 *   expect(t).toHaveWakeCount(2);             // wakes in all
 *
 * A failure says what the poll returned (Ready(value) or Pending) and, for a mock task's poll,
 * which task and poll, and its wake counts (testing/assert.ts words it, for every runner).
 * vitest is an optional peer dependency: only this module and vitest.ts import it.
 */
import { expect } from "vitest";
import { checkPending, checkReady, checkReadyWith, checkWakeCount, checkWoken, type CheckResult } from "./testing/assert.js";

const result = (r: CheckResult) => ({ pass: r.pass, message: () => r.message });

expect.extend({
  toBePending: (received: unknown) => result(checkPending(received)),
  toBeReady: (received: unknown) => result(checkReady(received)),
  toBeReadyWith: (received: unknown, expected: unknown) => result(checkReadyWith(received, expected)),
  toBeWoken: (received: unknown) => result(checkWoken(received)),
  toHaveWakeCount: (received: unknown, n: number) => result(checkWakeCount(received, n)),
});

/** The poll matchers' types (declaration merging into vitest's Assertion). */
export interface PollMatchers<R = unknown> {
  /** The poll returned Pending. */
  toBePending(): R;
  /** The poll returned Ready (with any value). */
  toBeReady(): R;
  /** The poll returned Ready with a value deep-equal to `expected`. */
  toBeReadyWith(expected: unknown): R;
  /** The mock task was woken since its latest poll (tokio-test `is_woken()`). */
  toBeWoken(): R;
  /** The mock task was woken exactly `n` times in all. */
  toHaveWakeCount(n: number): R;
}

declare module "vitest" {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface Assertion<T = any> extends PollMatchers<T> {}
}
