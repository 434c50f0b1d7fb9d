import { fileURLToPath } from "node:url";

/** Inside this repository, "wakesim" and "wakesim/vitest" mean the TypeScript sources. */
export function wakesimAliases(srcDir: URL): { find: RegExp; replacement: string }[] {
  const src = (p: string) => fileURLToPath(new URL(p, srcDir));
  return [
    { find: /^wakesim\/vitest$/, replacement: src("vitest.ts") },
    { find: /^wakesim\/(executors|explore|reactor|report|trace)$/, replacement: src("$1/index.ts") },
    { find: /^wakesim$/, replacement: src("index.ts") },
  ];
}
