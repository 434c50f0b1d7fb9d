import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// Tests import "wakesim" as a user would; inside the repo that name means the sources.
const src = (p: string) => fileURLToPath(new URL(`../src/${p}`, import.meta.url));

export default defineConfig({
  resolve: {
    alias: [
      { find: /^wakesim\/vitest$/, replacement: src("vitest.ts") },
      { find: /^wakesim$/, replacement: src("index.ts") },
    ],
  },
  test: {
    root: fileURLToPath(new URL("..", import.meta.url)),
    include: ["test/**/*.test.ts", "properties/**/*.test.ts"],
    pool: "threads",
  },
});
