/**
 * A dropped future (a cancelled task) is shown in the timeline and the HTML report — and kept
 * when a long run's middle is trimmed.
 */
import { describe, expect, it } from "vitest";
import { PENDING, ready, Sim, toHtmlReport, type Context, type Future, type JoinHandle, type Poll, type Waker } from "wakesim";
import { formatTimeline } from "../src/trace/timeline.js";

/** 'killer' yields `spins` times, then aborts 'victim' (which waits, holding its waker, and releases it when dropped). */
function cancelled(spins: number) {
  const sim = new Sim({ seed: 0, trace: true });
  let kept: Waker | null = null;
  const victim: Future<void> = {
    poll: (cx: Context): Poll<void> => {
      kept ??= cx.waker.clone();
      return PENDING;
    },
    drop: () => kept?.drop(),
  };
  let handle: JoinHandle<void> | null = null;
  let n = 0;
  const killer: Future<void> = {
    poll: (cx: Context): Poll<void> => {
      if (n++ < spins) {
        cx.waker.wakeByRef();
        return PENDING;
      }
      handle!.abort();
      return ready(undefined);
    },
  };
  handle = sim.spawn(victim, { name: "victim" });
  sim.spawn(killer, { name: "killer" });
  return sim.run();
}

describe("a dropped future", () => {
  it("shows in its task's lane as '✂ dropped (cancelled)'", () => {
    const out = cancelled(1);
    expect(formatTimeline(out.trace!)).toMatchInlineSnapshot(`
      "step  t │ victim                │ killer
      ────────┼───────────────────────┼────────────────────
         0  0 │ spawned               │
         0  0 │                       │ spawned
         0  0 │                       │ poll g1
         0  0 │                       │ woken by itself
         0  0 │                       │ → pending
         1  0 │                       │ poll g2
         1  0 │ ✂ dropped (cancelled) │
         1  0 │ finished: cancelled   │
         1  0 │                       │ → ready
         1  0 │                       │ finished: completed"
    `);
  });

  it("is kept when the middle of a long run is trimmed, and counted as a drop, not a note", () => {
    const out = cancelled(200);
    const text = formatTimeline(out.trace!, { maxRows: 4, headRows: 2, focus: [] });
    expect(text).toContain("✂ dropped (cancelled)");
    // A drop inside an omitted stretch would be named as such.
    expect(formatTimeline(out.trace!, { maxRows: 2, headRows: 1 })).not.toMatch(/\d+ notes?\b/);
  });

  it("ends its lane in the HTML report with a 'dropped' marker", () => {
    const out = cancelled(1);
    const doc = toHtmlReport(out, { scenario: "cancel", report: "", version: "0" });
    expect(doc).toMatch(/<g class="dropped" data-task="victim"><text class="instant dropped"[^>]*>✂<title>cancelled: future dropped \(step 1, t=0\)<\/title><\/text><text class="dropped-label"[^>]*>dropped<\/text><\/g>/);
  });
});
