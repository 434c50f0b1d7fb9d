/**
 * Fake I/O: pipes and duplex streams, edge-triggered readiness, the I/O faults, and the
 * high-level read/write futures. Futures under test are written by hand, as objects with poll.
 */
import { describe, expect, it } from "vitest";
import type { ChoiceKind, Chooser, FaultKind } from "../src/chooser/chooser.js";
import type { Context } from "../src/future/context.js";
import type { Future } from "../src/future/future.js";
import { PENDING, ready, type Poll } from "../src/future/poll.js";
import { EOF, RESET, WOULD_BLOCK } from "../src/io/io-result.js";
import type { PipeReader, PipeWriter } from "../src/io/pipe.js";
import type { Outcome } from "../src/sim/outcome.js";
import { Sim } from "../src/sim/sim.js";
import { formatTrace } from "../src/trace/event.js";

// ---- hand-written futures ---------------------------------------------------------------

function fut<T>(poll: (cx: Context) => Poll<T>): Future<T> {
  return { poll };
}

/** Pending once (waking itself), then ready: lets other tasks and events run in between. */
function yieldOnce(): Future<void> {
  let yielded = false;
  return fut((cx) => {
    if (yielded) return ready();
    yielded = true;
    cx.waker.wakeByRef();
    return PENDING;
  });
}

/**
 * Runs steps in order; a step gets the results so far and returns a future to await, or
 * undefined to go on at once.
 */
function chain(steps: ReadonlyArray<(done: readonly unknown[]) => Future<unknown> | undefined>): Future<unknown[]> {
  let i = 0;
  let cur: Future<unknown> | undefined;
  const out: unknown[] = [];
  return fut((cx) => {
    while (i < steps.length) {
      cur ??= steps[i]!(out);
      if (cur !== undefined) {
        const p = cur.poll(cx);
        if (!p.ready) return PENDING;
        out.push(p.value);
      } else out.push(undefined);
      cur = undefined;
      i++;
    }
    return ready(out);
  });
}

/** Writes each message with the high-level write, yielding in between; stops at RESET. */
function producer(w: PipeWriter, msgs: readonly string[], close = true): Future<(number | typeof RESET)[]> {
  const results: (number | typeof RESET)[] = [];
  let i = 0;
  let cur: Future<number | typeof RESET> | undefined;
  let yielding: Future<void> | undefined;
  return fut((cx) => {
    for (;;) {
      if (yielding !== undefined) {
        if (!yielding.poll(cx).ready) return PENDING;
        yielding = undefined;
      }
      if (i === msgs.length || results.at(-1) === RESET) {
        if (close) w.close();
        return ready(results);
      }
      cur ??= w.write(msgs[i]!);
      const p = cur.poll(cx);
      if (!p.ready) return PENDING;
      results.push(p.value);
      cur = undefined;
      i++;
      yielding = yieldOnce();
    }
  });
}

/**
 * A low-level reader taking up to `chunkChars` per tryRead until `want` chars arrived. The correct
 * one reads until WOULD_BLOCK before it waits; the buggy one reads once per readiness edge.
 */
function lowLevelReader(r: PipeReader, want: number, chunkChars: number, drains: boolean): Future<string> {
  let got = "";
  return fut((cx) => {
    for (;;) {
      if (!drains && !r.pollReadable(cx).ready) return PENDING;
      const x = r.tryRead(chunkChars);
      if (typeof x === "string") {
        got += x;
        if (got.length >= want) return ready(got);
        continue;
      }
      if (x === EOF || x === RESET) return ready(got);
      if (drains && !r.pollReadable(cx).ready) return PENDING;
    }
  });
}

// ---- running ----------------------------------------------------------------------------

function choiceKinds(out: Outcome): Map<string, { asked: number; deviated: number }> {
  const m = new Map<string, { asked: number; deviated: number }>();
  for (const e of out.trace ?? []) {
    if (e.type !== "ChoiceMade") continue;
    const c = m.get(e.kind) ?? { asked: 0, deviated: 0 };
    c.asked++;
    if (e.chosen > 0) c.deviated++;
    m.set(e.kind, c);
  }
  return m;
}

/** Always the plain option: the default schedule, no faults. */
const zeros: Chooser = { name: "zeros", choose: () => 0 };

const seeds = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

// ---- tests ------------------------------------------------------------------------------

describe("SimIo.pipe", () => {
  it("delivers written data in order, exactly once", () => {
    const msgs = ["alpha;", "beta;", "gamma;", "delta;"];
    for (const seed of seeds(50)) {
      const sim = new Sim({ seed });
      const { reader, writer } = sim.io.pipe();
      sim.spawn(producer(writer, msgs), { name: "producer" });
      const rx = sim.spawn(reader.readToEnd(), { name: "consumer" });
      const out = sim.run();
      expect(out.ok, `seed ${seed}`).toBe(true);
      expect(rx.outcome).toEqual({ kind: "completed", value: msgs.join("") });
      expect(sim.io.bytesMoved).toBe(msgs.join("").length);
      expect(reader.tryRead()).toBe(EOF);
    }
  });

  it("returns WOULD_BLOCK when empty and open, and delivers even zero-latency writes through the reactor", () => {
    const sim = new Sim({ seed: 1 });
    const { reader, writer } = sim.io.pipe();
    expect(reader.tryRead()).toBe(WOULD_BLOCK);
    expect(writer.tryWrite("hello")).toBe(5);
    expect(reader.tryRead()).toBe(WOULD_BLOCK); // in flight: an event due now
    expect(sim.tick()).toBe(true); // delivers it
    expect(reader.tryRead(2)).toBe("he");
    expect(reader.tryRead()).toBe("llo");
    expect(sim.io.bytesMoved).toBe(5);
    expect(sim.io.arrivals).toBe(1);
  });

  it("names pipes per SimIo, never globally", () => {
    const a = new Sim({ seed: 1 });
    const b = new Sim({ seed: 1 });
    expect(a.io.pipe().reader.name).toBe("pipe#1");
    expect(a.io.pipe({ name: "uplink" }).writer.name).toBe("uplink");
    expect(a.io.pipe().reader.name).toBe("pipe#3");
    expect(b.io.pipe().reader.name).toBe("pipe#1");
    const [e0, e1] = b.io.duplex();
    expect([e0.name, e0.writer.name, e1.reader.name, e1.writer.name]).toEqual(["duplex#1[0]", "duplex#1[0->1]", "duplex#1[0->1]", "duplex#1[1->0]"]);
  });

  it("rejects invalid options with errors naming the option", () => {
    const io = new Sim().io;
    expect(() => io.pipe({ capacity: 0 })).toThrowErrorMatchingInlineSnapshot(
      `[OptionError: invalid option 'capacity': expected a positive integer number of chars (or Infinity), got 0]`,
    );
    expect(() => io.pipe({ capacity: 2.5 })).toThrowErrorMatchingInlineSnapshot(
      `[OptionError: invalid option 'capacity': expected a positive integer number of chars (or Infinity), got 2.5]`,
    );
    expect(() => io.pipe({ latencyTicks: -1 })).toThrowErrorMatchingInlineSnapshot(`[OptionError: invalid option 'latencyTicks': must be ≥ 0, got -1]`);
    expect(() => io.duplex({ latencyTicks: 0.5 })).toThrowErrorMatchingInlineSnapshot(
      `[OptionError: invalid option 'latencyTicks': expected an integer number of ticks, got 0.5]`,
    );
    expect(() => io.pipe({ name: "" })).toThrowErrorMatchingInlineSnapshot(`[OptionError: invalid option 'name': expected a non-empty string, got ""]`);
    expect(() => io.pipe({ capacty: 4 } as never)).toThrowErrorMatchingInlineSnapshot(
      `[OptionError: invalid option 'capacty': unknown pipe option (did you mean 'capacity'?); known: capacity, latencyTicks, name]`,
    );
    const { reader } = io.pipe();
    expect(() => reader.tryRead(0)).toThrowErrorMatchingInlineSnapshot(
      `[OptionError: invalid option 'max': tryRead(max) on 'pipe#1' expects a positive integer number of chars or Infinity, got 0]`,
    );
  });
});

describe("SimIo.duplex", () => {
  it("crosses two pipes: each end reads what the other writes", () => {
    for (const seed of seeds(50)) {
      for (const faults of ["none", "all"] as const) {
        const sim = new Sim({ seed, faults });
        const [client, server] = sim.io.duplex({ capacity: 3, latencyTicks: 1 });
        const c = sim.spawn(chain([() => client.write("ping"), () => void client.close(), () => client.readToEnd()]), { name: "client" });
        sim.spawn(
          chain([
            () => server.readToEnd(),
            ([got]) => (typeof got === "string" ? server.write(got.toUpperCase()) : undefined),
            () => void server.close(),
          ]),
          { name: "server" },
        );
        const out = sim.run();
        expect(out.ok, `seed ${seed} faults ${faults}`).toBe(true);
        const reply = c.outcome?.kind === "completed" ? c.outcome.value[2] : undefined;
        if (faults === "none") expect(reply).toBe("PING");
        else expect(reply === RESET || (typeof reply === "string" && "PING".startsWith(reply)), `seed ${seed}: ${String(reply)}`).toBe(true);
      }
    }
  });
});

describe("edge-triggered readiness", () => {
  /** Two separate writes, so the second may arrive before or after the reader drained the first. */
  function pair(seed: number, drains: boolean): { out: Outcome; sim: Sim } {
    const sim = new Sim({ seed });
    const { reader, writer } = sim.io.pipe();
    sim.spawn(chain([() => writer.write("abc"), () => yieldOnce(), () => writer.write("def")]), { name: "writer" });
    sim.spawn(lowLevelReader(reader, 6, 3, drains), { name: "reader" });
    return { out: sim.run(), sim };
  }

  it("hangs a reader that waits without draining, never one that reads until WOULD_BLOCK", () => {
    let hung = 0;
    for (const seed of seeds(100)) {
      const bad = pair(seed, false);
      if (!bad.out.ok) {
        hung++;
        expect(bad.out.status).toBe("quiescent");
        const v = bad.out.violations[0]!;
        expect(v.kind).toBe("lost-wakeup");
        if (v.kind === "lost-wakeup") {
          expect(v.stuck.map((s) => [s.task, s.diagnosis])).toEqual([["reader", "waker-held-never-woken"]]);
        }
        // The resource-level view: the reader is parked while its data sits in the buffer.
        expect(bad.sim.io.parkedWhileReady()).toEqual(["pipe#1:reader"]);
      }
      const good = pair(seed, true);
      expect(good.out.ok, `seed ${seed}`).toBe(true);
      expect(good.sim.io.parkedWhileReady()).toEqual([]);
    }
    expect(hung).toBeGreaterThan(0);
    expect(hung).toBeLessThan(100); // it only hangs when the second write lands before the read
  });

  it("fires one edge per empty → non-empty transition and stores it for the next poll", () => {
    const sim = new Sim({ chooser: zeros });
    const { reader, writer } = sim.io.pipe();
    const log: string[] = [];
    sim.spawn(
      fut((cx) => {
        for (;;) {
          const r = reader.pollReadable(cx);
          log.push(`${cx.runtime.now}: ${r.ready ? "ready" : "pending"}`);
          if (!r.ready) return PENDING;
        }
      }),
      { name: "watcher" },
    );
    sim.tick(); // poll 1: no edge yet, registers
    writer.tryWrite("a");
    writer.tryWrite("b");
    sim.tick(); // arrival "a": empty → non-empty, the edge wakes the watcher
    sim.tick(); // arrival "b": into a non-empty buffer, no edge
    sim.tick(); // poll 2: consumes the stored edge, then registers again
    expect(sim.tick()).toBe(false); // nobody will ever wake it: the data sits unread
    expect(log).toEqual(["0: pending", "0: ready", "0: pending"]);
    expect(sim.io.parkedWhileReady()).toEqual(["pipe#1:reader"]);
    expect(reader.tryRead()).toBe("ab");
    expect(sim.io.parkedWhileReady()).toEqual([]);
  });

  it("releases the registered waker when a high-level future is dropped", () => {
    for (const dropIt of [true, false]) {
      const sim = new Sim({ seed: 1 });
      const { reader } = sim.io.pipe();
      const read = reader.read();
      sim.spawn(
        fut((cx) => {
          expect(read.poll(cx).ready).toBe(false);
          if (dropIt) read.drop();
          return ready();
        }),
      );
      expect(sim.run().ok).toBe(true);
      expect(reader._pipe.readSlot.isRegistered).toBe(!dropIt);
    }
  });
});

describe("close", () => {
  it("shows EOF only after all data sent before close has arrived", () => {
    for (const seed of seeds(30)) {
      const sim = new Sim({ seed, faults: ["latency"], maxLatencyTicks: 4 });
      const { reader, writer } = sim.io.pipe({ latencyTicks: 2 });
      expect(writer.tryWrite("abc")).toBe(3);
      expect(writer.tryWrite("def")).toBe(3);
      writer.close();
      const rx = sim.spawn(lowLevelReader(reader, Infinity, 2, true), { name: "reader" });
      expect(sim.run().ok).toBe(true);
      expect(rx.outcome).toEqual({ kind: "completed", value: "abcdef" });
      expect(reader.tryRead()).toBe(EOF);
    }
  });

  it("throws on a write after close, with a message saying why", () => {
    const { writer } = new Sim().io.pipe();
    writer.close();
    writer.close(); // idempotent
    expect(() => writer.tryWrite("x")).toThrowErrorMatchingInlineSnapshot(
      `[Error: write of 1B to 'pipe#1' after its writer was closed; close() means no more data (the reader sees EOF after what was sent before it) — write everything first, then close]`,
    );
  });
});

describe("capacity", () => {
  it("bounds buffered + in-flight chars and signals writability when the reader drains", () => {
    const sim = new Sim({ seed: 1 });
    const { reader, writer } = sim.io.pipe({ capacity: 4 });
    expect(writer.tryWrite("abcdef")).toBe(4);
    expect(writer.tryWrite("ef")).toBe(WOULD_BLOCK);
    const log: string[] = [];
    let phase = 0;
    sim.spawn(
      fut((cx) => {
        for (;;) {
          const r = writer.pollWritable(cx); // the first poll consumes the initial edge of a new pipe
          log.push(`${phase}: ${r.ready ? "writable" : "pending"}`);
          if (!r.ready) return PENDING;
          if (phase++ > 0) return ready();
        }
      }),
      { name: "writer" },
    );
    sim.tick(); // writer: initial edge, then pending
    sim.tick(); // arrival
    expect(log).toEqual(["0: writable", "1: pending"]);
    expect(reader.tryRead(1)).toBe("a"); // full → not full: an edge, waking the writer
    expect(writer.freeChars).toBe(1);
    expect(sim.run().ok).toBe(true);
    expect(log).toEqual(["0: writable", "1: pending", "1: writable"]);
  });

  it("never loses or reorders data under backpressure", () => {
    const msg = "the quick brown fox jumps over the lazy dog";
    for (const seed of seeds(50)) {
      const sim = new Sim({ seed, faults: ["short-read", "short-write", "coalesce", "latency"] });
      const { reader, writer } = sim.io.pipe({ capacity: 5 });
      const tx = sim.spawn(chain([() => writer.write(msg), () => void writer.close()]));
      const rx = sim.spawn(reader.readToEnd());
      expect(sim.run().ok, `seed ${seed}`).toBe(true);
      expect(tx.outcome).toEqual({ kind: "completed", value: [msg.length, undefined] });
      expect(rx.outcome).toEqual({ kind: "completed", value: msg });
    }
  });
});

describe("latency", () => {
  it("delays delivery by latencyTicks of virtual time", () => {
    const sim = new Sim({ seed: 3 });
    const { reader, writer } = sim.io.pipe({ latencyTicks: 10 });
    let at = -1;
    sim.spawn(chain([() => writer.write("x"), () => yieldOnce(), () => writer.write("y")]), { name: "writer" });
    const read = reader.read();
    sim.spawn(
      fut((cx) => {
        const p = read.poll(cx);
        if (!p.ready) return PENDING;
        at = cx.runtime.now;
        return ready(p.value);
      }),
      { name: "reader" },
    );
    const out = sim.run();
    expect(out.ok).toBe(true);
    expect(at).toBe(10);
    expect(out.time).toBe(10);
    expect(sim.now).toBe(10);
  });
});

describe("I/O faults", () => {
  /** A correct low-level reader that records every tryRead result and readiness answer. */
  function recordingReader(r: PipeReader, log: string[]): Future<string | typeof RESET> {
    let got = "";
    return fut<string | typeof RESET>((cx) => {
      for (;;) {
        const x = r.tryRead();
        log.push(`t=${cx.runtime.now} ${typeof x === "string" ? `${x.length}B` : String(x.description)}`);
        if (typeof x === "string") got += x;
        else if (x === EOF) return ready(got);
        else if (x === RESET) return ready(RESET);
        else {
          const p = r.pollReadable(cx);
          log.push(`t=${cx.runtime.now} ${p.ready ? "readable" : "wait"}`);
          if (!p.ready) return PENDING;
        }
      }
    });
  }

  const TEXT = "0123456789";

  interface FaultCase {
    readonly fault: FaultKind;
    /** Builds a scenario of correct futures; returns a probe: did the fault visibly happen? */
    setup(sim: Sim): () => boolean;
  }

  const cases: readonly FaultCase[] = [
    {
      fault: "short-read",
      setup(sim) {
        const { reader, writer } = sim.io.pipe();
        writer.tryWrite(TEXT); // one chunk: a plain first read takes all of it
        writer.close();
        const log: string[] = [];
        const rx = sim.spawn(recordingReader(reader, log));
        return () => {
          expect(rx.outcome).toEqual({ kind: "completed", value: TEXT });
          const firstData = log.find((l) => l.endsWith("B"));
          return firstData !== `t=0 ${TEXT.length}B`;
        };
      },
    },
    {
      fault: "short-write",
      setup(sim) {
        const { reader, writer } = sim.io.pipe();
        let accepted: unknown;
        sim.spawn(fut(() => ((accepted = writer.tryWrite(TEXT)), writer.close(), ready())));
        const rx = sim.spawn(reader.readToEnd());
        return () => {
          expect(typeof accepted === "number" && accepted >= 1).toBe(true);
          expect(rx.outcome).toEqual({ kind: "completed", value: TEXT.slice(0, accepted as number) });
          return (accepted as number) < TEXT.length;
        };
      },
    },
    {
      fault: "coalesce",
      setup(sim) {
        const { reader, writer } = sim.io.pipe({ latencyTicks: 1 });
        sim.spawn(fut(() => (writer.tryWrite("abc"), writer.tryWrite("def"), writer.close(), ready())));
        const rx = sim.spawn(reader.readToEnd());
        return () => {
          expect(rx.outcome).toEqual({ kind: "completed", value: "abcdef" });
          return sim.io.arrivals === 1; // plainly two: "abc", then "def" carrying the FIN
        };
      },
    },
    {
      fault: "spurious-readiness",
      setup(sim) {
        const { reader, writer } = sim.io.pipe({ latencyTicks: 5 });
        const log: string[] = [];
        sim.spawn(fut(() => (writer.tryWrite(TEXT), writer.close(), ready())));
        const rx = sim.spawn(recordingReader(reader, log));
        return () => {
          expect(rx.outcome).toEqual({ kind: "completed", value: TEXT });
          return log.some((l) => l.startsWith("t=0 readable")); // nothing can arrive before t=5
        };
      },
    },
    {
      fault: "reset",
      setup(sim) {
        const { reader, writer } = sim.io.pipe({ capacity: 3 });
        const tx = sim.spawn(producer(writer, ["abc", "def", "ghi"]));
        const rx = sim.spawn(reader.readToEnd());
        return () => {
          const sent = tx.outcome?.kind === "completed" ? tx.outcome.value : [];
          expect(rx.outcome?.kind).toBe("completed");
          return rx.outcome?.kind === "completed" && rx.outcome.value === RESET && (sent.length < 3 || sent.includes(RESET));
        };
      },
    },
    {
      fault: "early-eof",
      setup(sim) {
        const { reader, writer } = sim.io.pipe({ capacity: 3 });
        const tx = sim.spawn(producer(writer, ["abc", "def", "ghi"]));
        const rx = sim.spawn(reader.readToEnd());
        return () => {
          const sent = tx.outcome?.kind === "completed" ? tx.outcome.value : [];
          const got = rx.outcome?.kind === "completed" ? rx.outcome.value : undefined;
          expect(typeof got === "string" && "abcdefghi".startsWith(got)).toBe(true);
          // The reader saw EOF early, and the writer's next write saw RESET.
          return got !== "abcdefghi" && sent.includes(RESET);
        };
      },
    },
    {
      fault: "latency",
      setup(sim) {
        const { reader, writer } = sim.io.pipe();
        const log: string[] = [];
        sim.spawn(fut(() => (writer.tryWrite(TEXT), writer.close(), ready())));
        sim.spawn(recordingReader(reader, log));
        return () => log.some((l) => l.endsWith(`${TEXT.length}B`) && !l.startsWith("t=0 "));
      },
    },
  ];

  for (const c of cases) {
    it(`injects ${c.fault} for some seed when enabled, and never when disabled`, () => {
      let seen = 0;
      for (const seed of seeds(200)) {
        const on = new Sim({ seed, faults: [c.fault], trace: true });
        const probeOn = c.setup(on);
        const outOn = on.run();
        expect(outOn.ok, `seed ${seed}`).toBe(true);
        if (probeOn()) {
          seen++;
          expect(choiceKinds(outOn).get(c.fault)?.deviated).toBeGreaterThan(0);
          expect(on.io.faultsInjected).toBeGreaterThan(0);
        }

        const off = new Sim({ seed, trace: true });
        const probeOff = c.setup(off);
        const outOff = off.run();
        expect(outOff.ok, `seed ${seed}`).toBe(true);
        expect(probeOff(), `seed ${seed}`).toBe(false);
        expect(off.io.faultsInjected).toBe(0);
        // A disabled fault asks nothing: only scheduling choices are made.
        const kinds = choiceKinds(outOff);
        expect([...kinds.keys()].filter((k) => k !== "task" && k !== "deliver")).toEqual([]);
        expect(outOff.choices.length).toBe((kinds.get("task")?.asked ?? 0) + (kinds.get("deliver")?.asked ?? 0));
        // Switching it off explicitly is the same run as never switching it on.
        const offExplicit = new Sim({ seed, faults: { [c.fault]: false } });
        c.setup(offExplicit);
        expect(offExplicit.run().choices).toEqual(outOff.choices);
      }
      expect(seen).toBeGreaterThan(0);
    });
  }

  it("keeps arrivals in order whatever latency each transfer draws", () => {
    for (const seed of seeds(100)) {
      const sim = new Sim({ seed, faults: ["latency", "tie"], faultProbability: 0.5, maxLatencyTicks: 20 });
      const { reader, writer } = sim.io.pipe();
      for (const ch of "abcdefghij") writer.tryWrite(ch);
      writer.close();
      const rx = sim.spawn(reader.readToEnd());
      expect(sim.run().ok).toBe(true);
      expect(rx.outcome).toEqual({ kind: "completed", value: "abcdefghij" });
    }
  });

  it("bounds the retries of a read whose readiness is always spurious", () => {
    const spurious: Chooser = { name: "spurious", choose: (_n: number, kind: ChoiceKind) => (kind === "spurious-readiness" ? 1 : 0) };
    const sim = new Sim({ chooser: spurious, faults: ["spurious-readiness"], maxSteps: 1000 });
    const { reader, writer } = sim.io.pipe();
    const rx = sim.spawn(reader.read(), { name: "reader" });
    sim.spawn(chain([() => yieldOnce(), () => writer.write("hi")]), { name: "writer" });
    const out = sim.run();
    expect(out.ok).toBe(true);
    expect(rx.outcome).toEqual({ kind: "completed", value: "hi" });
  });
});

describe("high-level read and write", () => {
  const MSGS = ["alpha;", "beta;", "gamma;", "delta;"];
  const ALL = MSGS.join("");

  /** read(4) until EOF or RESET, as a hand-written loop over ReadFutures. */
  function consumer(r: PipeReader): Future<{ got: string; end: "EOF" | "RESET" }> {
    let got = "";
    let cur: Future<string | typeof EOF | typeof RESET> | undefined;
    return fut<{ got: string; end: "EOF" | "RESET" }>((cx) => {
      for (;;) {
        cur ??= r.read(4);
        const p = cur.poll(cx);
        if (!p.ready) return PENDING;
        cur = undefined;
        if (p.value === EOF) return ready({ got, end: "EOF" });
        if (p.value === RESET) return ready({ got, end: "RESET" });
        expect(p.value.length).toBeGreaterThanOrEqual(1);
        expect(p.value.length).toBeLessThanOrEqual(4);
        got += p.value;
      }
    });
  }

  it("are correct under every fault, over 200 seeds", () => {
    let complete = 0;
    let cut = 0;
    for (const seed of seeds(200)) {
      const sim = new Sim({ seed, faults: "all" });
      const { reader, writer } = sim.io.pipe({ capacity: 4, latencyTicks: 1 });
      const tx = sim.spawn(producer(writer, MSGS), { name: "producer" });
      const rx = sim.spawn(consumer(reader), { name: "consumer" });
      const out = sim.run();
      expect(out.ok, `seed ${seed}: ${out.violations.map((v) => v.message).join("; ")}`).toBe(true);
      const sent = tx.outcome?.kind === "completed" ? tx.outcome.value : undefined;
      const recv = rx.outcome?.kind === "completed" ? rx.outcome.value : undefined;
      // Every write wrote all of its message, or saw RESET and was the last.
      sent!.forEach((n, i) => expect(n === RESET ? i === sent!.length - 1 : n === MSGS[i]!.length).toBe(true));
      // What was read is what was written, in order, never duplicated: a prefix, or all of it.
      expect(ALL.startsWith(recv!.got), `seed ${seed}: ${recv!.got}`).toBe(true);
      if (recv!.got === ALL) complete++;
      else cut++;
      expect(sim.io.bytesMoved).toBe(recv!.got.length);
      expect(sim.io.parkedWhileReady()).toEqual([]);
    }
    // Both kinds of run happen: streams that got through, and streams a reset or early EOF cut.
    expect(complete).toBeGreaterThan(10);
    expect(cut).toBeGreaterThan(10);
  });
});

describe("determinism", () => {
  function echo(seed: number): { out: Outcome; trace: string } {
    const sim = new Sim({ seed, faults: "all", faultProbability: 0.3, trace: true });
    const [a, b] = sim.io.duplex({ capacity: 3, latencyTicks: 2 });
    sim.spawn(chain([() => a.write("hello world"), () => void a.close(), () => a.readToEnd()]), { name: "client" });
    sim.spawn(chain([() => b.readToEnd(), ([s]) => (typeof s === "string" ? b.write(s) : undefined), () => void b.close()]), { name: "server" });
    const out = sim.run();
    return { out, trace: formatTrace(out.trace!) };
  }

  it("gives identical choices and a byte-identical trace for the same seed", () => {
    for (const seed of seeds(20)) {
      const first = echo(seed);
      const second = echo(seed);
      expect(second.out.choices).toEqual(first.out.choices);
      expect(second.trace).toBe(first.trace);
      expect(first.trace).toContain("deliver duplex#1[0->1] arrival");
    }
  });
});
