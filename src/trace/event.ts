/**
 * Trace events: what happened in a run, in order. Recorded only when tracing is on (the fast
 * path records only the choices). Names are past tense. Every field is a plain number or string,
 * so `formatTrace` is byte-identical for identical runs in any process.
 */
export type TraceEvent =
  | { readonly type: "TaskSpawned"; readonly step: number; readonly time: number; readonly task: string; readonly by: string | null }
  | { readonly type: "TaskPolled"; readonly step: number; readonly time: number; readonly task: string; readonly generation: number }
  | {
      readonly type: "PollReturned";
      readonly step: number;
      readonly time: number;
      readonly task: string;
      readonly result: "ready" | "pending" | "panicked";
    }
  | {
      readonly type: "WakeIssued";
      readonly step: number;
      readonly time: number;
      readonly task: string;
      readonly by: string | null;
      readonly waker: string;
      readonly stale: boolean;
      readonly effect: string;
    }
  | { readonly type: "ChoiceMade"; readonly step: number; readonly kind: string; readonly n: number; readonly chosen: number }
  | { readonly type: "EventDelivered"; readonly step: number; readonly time: number; readonly event: string }
  | { readonly type: "ClockAdvanced"; readonly step: number; readonly from: number; readonly to: number }
  | { readonly type: "TaskFinished"; readonly step: number; readonly time: number; readonly task: string; readonly outcome: string }
  | { readonly type: "Note"; readonly step: number; readonly time: number; readonly task: string | null; readonly text: string }
  /**
   * A reference combinator dropped a child that lost (a select or race branch, a future past its
   * timeout), in the poll of `task`: `future` is the child's label, `reason` why ("select: branch
   * 1 won", "timeout(5): deadline passed"). A cancelled task's own drop is a Note.
   */
  | { readonly type: "FutureDropped"; readonly step: number; readonly time: number; readonly task: string | null; readonly future: string; readonly reason: string }
  | { readonly type: "ViolationReported"; readonly step: number; readonly time: number; readonly kind: string; readonly tasks: string };

/** One line per event, stable across processes and machines. */
export function formatTrace(events: readonly TraceEvent[]): string {
  let out = "";
  for (const e of events) out += formatEvent(e) + "\n";
  return out;
}

export function formatEvent(e: TraceEvent): string {
  switch (e.type) {
    case "TaskSpawned":
      return `${e.step} t=${e.time} spawned ${e.task}${e.by === null ? "" : ` by ${e.by}`}`;
    case "TaskPolled":
      return `${e.step} t=${e.time} poll ${e.task} g${e.generation}`;
    case "PollReturned":
      return `${e.step} t=${e.time} ${e.task} -> ${e.result}`;
    case "WakeIssued":
      return `${e.step} t=${e.time} wake ${e.task} via ${e.waker}${e.stale ? " (stale)" : ""} by ${e.by ?? "reactor"}: ${e.effect}`;
    case "ChoiceMade":
      return `${e.step} choose ${e.kind} ${e.chosen}/${e.n}`;
    case "EventDelivered":
      return `${e.step} t=${e.time} deliver ${e.event}`;
    case "ClockAdvanced":
      return `${e.step} clock ${e.from} -> ${e.to}`;
    case "TaskFinished":
      return `${e.step} t=${e.time} ${e.task} finished: ${e.outcome}`;
    case "ViolationReported":
      return `${e.step} t=${e.time} VIOLATION ${e.kind}${e.tasks === "" ? "" : ` (${e.tasks})`}`;
    case "FutureDropped":
      return `${e.step} t=${e.time}${e.task === null ? "" : ` ${e.task}`} dropped ${e.future}: ${e.reason}`;
    case "Note":
      return `${e.step} t=${e.time} note${e.task === null ? "" : ` ${e.task}`}: ${e.text}`;
  }
}
