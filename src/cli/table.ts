/**
 * Plain text tables for summaries: columns padded to their widest cell (colour is applied to
 * whole cells after padding, so it never shifts columns).
 */
export interface Cell {
  readonly text: string;
  /** Applied after padding. */
  readonly paint?: (s: string) => string;
  readonly right?: boolean;
}

export type Row = readonly (string | Cell)[];

export function table(rows: readonly Row[], indent = "  "): string {
  const cells = rows.map((r) => r.map((c): Cell => (typeof c === "string" ? { text: c } : c)));
  const widths: number[] = [];
  for (const r of cells) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.text.length)));
  return cells
    .map((r) =>
      (
        indent +
        r
          .map((c, i) => {
            const w = widths[i]!;
            const last = i === r.length - 1;
            const padded = c.right === true ? c.text.padStart(w) : last ? c.text : c.text.padEnd(w);
            return c.paint === undefined ? padded : c.paint(padded);
          })
          .join("  ")
      ).trimEnd(),
    )
    .join("\n");
}
