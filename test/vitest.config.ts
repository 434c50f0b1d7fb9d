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
  },
});
