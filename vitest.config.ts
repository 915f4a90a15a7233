import { defineConfig } from "vitest/config";

/**
 * The semantic suites run twice (issue #16): once on generated matchers (the default) and
 * once on the interpreter (`test/support/interpreter.ts` sets `EngineOptions.codegen`'s
 * default to false), so every conformance, property and partition test checks both paths.
 */
const SEMANTIC = [
  "test/conformance/**/*.test.ts",
  "test/property/**/*.test.ts",
  "test/runtime/**/*.test.ts",
  "test/patterns/**/*.test.ts",
  "test/scaleout/partition-engine.test.ts",
];

export default defineConfig({
  test: {
    pool: "forks",
    maxWorkers: 2,
    testTimeout: 120000,
    projects: [
      { extends: true, test: { name: "codegen", include: ["test/**/*.test.ts"] } },
      {
        extends: true,
        test: {
          name: "interpreter",
          include: SEMANTIC,
          // The formatter's runs no engine; codegen.test.ts runs both paths itself.
          exclude: ["test/property/fmt.test.ts", "test/property/codegen.test.ts"],
          setupFiles: ["test/support/interpreter.ts"],
        },
      },
    ],
  },
});
