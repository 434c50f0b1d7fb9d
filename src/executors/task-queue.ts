/**
 * TaskQueue: a FIFO of task ids with O(1) amortised push/shift (a ring that grows) and O(n)
 * removal of an arbitrary element. Policy-free: executors decide what goes where.
 */
import type { TaskId } from "../core/ids.js";

export class TaskQueue {
  private buf: (TaskId | undefined)[] = new Array(8);
  private head = 0;
  private len = 0;

  get length(): number {
    return this.len;
  }

  push(t: TaskId): void {
    if (this.len === this.buf.length) this.grow();
    this.buf[(this.head + this.len) & (this.buf.length - 1)] = t;
    this.len++;
  }

  /** Inserts at the front (used for "run next" slots). */
  unshift(t: TaskId): void {
    if (this.len === this.buf.length) this.grow();
    this.head = (this.head - 1) & (this.buf.length - 1);
    this.buf[this.head] = t;
    this.len++;
  }

  peek(): TaskId | undefined {
    return this.len === 0 ? undefined : this.buf[this.head];
  }

  at(i: number): TaskId | undefined {
    return i < 0 || i >= this.len ? undefined : this.buf[(this.head + i) & (this.buf.length - 1)];
  }

  shift(): TaskId | undefined {
    if (this.len === 0) return undefined;
    const t = this.buf[this.head];
    this.buf[this.head] = undefined;
    this.head = (this.head + 1) & (this.buf.length - 1);
    this.len--;
    return t;
  }

  pop(): TaskId | undefined {
    if (this.len === 0) return undefined;
    const i = (this.head + this.len - 1) & (this.buf.length - 1);
    const t = this.buf[i];
    this.buf[i] = undefined;
    this.len--;
    return t;
  }

  /** Removes the first occurrence; returns whether it was there. */
  remove(t: TaskId): boolean {
    const items = this.toArray();
    const i = items.indexOf(t);
    if (i < 0) return false;
    items.splice(i, 1);
    this.reset(items);
    return true;
  }

  toArray(): TaskId[] {
    const out: TaskId[] = [];
    for (let i = 0; i < this.len; i++) out.push(this.buf[(this.head + i) & (this.buf.length - 1)]!);
    return out;
  }

  private reset(items: TaskId[]): void {
    this.buf = new Array(this.buf.length);
    this.head = 0;
    this.len = 0;
    for (const t of items) this.push(t);
  }

  private grow(): void {
    const items = this.toArray();
    this.buf = new Array(this.buf.length * 2);
    this.head = 0;
    this.len = 0;
    for (const t of items) this.push(t);
  }
}
