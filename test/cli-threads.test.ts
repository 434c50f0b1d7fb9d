/**
 * The command line on the thread fixtures: `fuzz --strategy dpor` exhausts a correct twin and finds
 * the buggy one, whose printed token `replay` reproduces; dpor is one walk (no --workers, no --shard).
 */
import { describe, expect, it } from "vitest";
import { cli } from "./helpers.js";

describe("wakesim fuzz on fixtures/threads", () => {
  it("--strategy dpor exhausts the correct AtomicWaker and finds the buggy one; replay reproduces it", async () => {
    const r = await cli(["fuzz", "fixtures/threads/atomic-waker.ts", "--strategy", "dpor"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/atomic-waker-correct: ok — \d+ runs \(dpor, seed 0\).*bounded space exhausted/);
    expect(r.stdout).toContain("atomic-waker-check-then-register: FAILED — lost wakeup: 'consumer' is stuck pending");
    const token = /token:\s+(ws1\.\S+)/.exec(r.stdout)?.[1];
    expect(token).toBeDefined();
    const again = await cli(["replay", "fixtures/threads/atomic-waker.ts", token!]);
    expect(again.stdout).toContain("lost wakeup: 'consumer' is stuck pending");
  });

  it("a thread whose step never ends is stopped by the watchdog, which names the thread", async () => {
    const r = await cli(["fuzz", "test/cli-fixtures/thread-busy-loop.ts", "--watchdog", "1s", "--runs", "1"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("thread-busy-loop: FAILED — watchdog: thread 'stuck' did not return within 1s (an infinite loop between two of its steps?)");
    expect(r.stdout).toMatch(/Run 1 \(portfolio, block seed 0\): a step of thread 'stuck' \(its code between two ops, which must end\) at step 0, virtual time 0 did not return within 1s/);
    expect(r.stdout).toContain("Look at the loops in thread 'stuck':");
  });

  it("refuses --workers with dpor, naming why", async () => {
    const r = await cli(["fuzz", "fixtures/threads/atomic-waker.ts", "--strategy", "dpor", "--workers", "2"]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("--workers cannot run --strategy dpor: it is one deterministic walk");
  });
});
