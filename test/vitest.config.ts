import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";
import { wakesimAliases } from "./aliases.js";

// Tests import "wakesim" as a user would; inside the repo that name means the sources.
export default defineConfig({
  resolve: { alias: wakesimAliases(new URL("../src/", import.meta.url)) },
  test: {
    root: fileURLToPath(new URL("..", import.meta.url)),
    include: ["test/**/*.test.ts", "properties/**/*.test.ts"],
    pool: "threads",
    // Vitest's default is one worker per core but one: a single worker on the 2-core machines CI
    // runs on, where many files spend their time waiting on the CLI in child processes. Two
    // workers there: measured 259 s for the suite against 373 s with one (2026-12-03).
    maxWorkers: Math.max(2, availableParallelism() - 1),
  },
});
