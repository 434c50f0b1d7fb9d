/**
 * The house's floors (README "Layout"): every folder of src/ imports only from the folders above
 * it in the README's map (type-only imports included, so no folder cycle), the map names every
 * folder, and a file over 400 lines says why at its top.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const src = join(repo, "src");

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
  );
}

/** The folder of a file under src/, "." for the entry points at its root. */
const folderOf = (file: string) => relative(src, dirname(file)) || ".";

/** Every relative import (static, type-only, re-export, dynamic) of every file: [file, from folder, to folder]. */
function folderImports(): [string, string, string][] {
  const out: [string, string, string][] = [];
  for (const f of tsFiles(src)) {
    const text = readFileSync(f, "utf8");
    for (const m of text.matchAll(/(?:from|import)\s*\(?\s*"(\.[^"]+)"/g)) {
      const to = folderOf(resolve(dirname(f), m[1]!));
      const from = folderOf(f);
      if (to !== from) out.push([relative(src, f), from, to]);
    }
  }
  return out;
}

/** The README's map: the folders of src/ in reading order, ground first. */
function readmeFloors(): string[] {
  const readme = readFileSync(join(repo, "README.md"), "utf8");
  const layout = readme.slice(readme.indexOf("## Layout"));
  const floors: string[] = [];
  for (const line of layout.split("\n")) {
    const m = /^ {2}- `([a-z-]+)\/`/.exec(line);
    if (m) floors.push(m[1]!);
    else if (/^ {2}- `index\.ts`/.test(line)) floors.push(".");
  }
  return floors;
}

describe("layout of src/", () => {
  test("the README's map names every folder of src/, once", () => {
    const floors = readmeFloors();
    const folders = [...new Set(tsFiles(src).map(folderOf))].sort();
    expect([...floors].sort()).toEqual(folders);
    expect(new Set(floors).size).toBe(floors.length);
  });

  test("every import goes down the floors of the map (so no folder cycle)", () => {
    const rank = new Map(readmeFloors().map((f, i) => [f, i]));
    const upward = folderImports()
      .filter(([, from, to]) => (rank.get(to) ?? Infinity) > (rank.get(from) ?? -1))
      .map(([file, from, to]) => `${file}: ${from}/ imports ${to}/, a floor above it`);
    expect(upward).toEqual([]);
  });

  test("a file over 400 lines says at its top why it is long", () => {
    const long = tsFiles(src)
      .map((f) => [relative(src, f), readFileSync(f, "utf8").split("\n")] as const)
      .filter(([, lines]) => lines.length > 400 && !lines.slice(0, 8).some((l) => /over 400 lines because/i.test(l)))
      .map(([f, lines]) => `${f} (${lines.length} lines)`);
    expect(long).toEqual([]);
  });
});
