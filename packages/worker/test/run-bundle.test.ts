import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { bundleRunPipeline } from "../src/run-host/run-bundle.js";

describe("bundleRunPipeline", () => {
  it("bundles Deadweight's TypeScript into one module that imports only JavaScript packages by absolute URL", async () => {
    const bundle = await bundleRunPipeline();
    try {
      const code = readFileSync(bundle.module, "utf8");
      expect(bundle.sourceFiles).toBeGreaterThan(50);
      const imported = [...code.matchAll(/^import .* from "([^"]+)";$/gm)].map((match) => match[1] as string);
      expect(imported.length).toBeGreaterThan(0);
      for (const specifier of imported) {
        expect(specifier.startsWith("node:") || specifier.startsWith("file:///")).toBe(true);
        expect(specifier).not.toMatch(/\.ts$|@deadweight/);
        if (specifier.startsWith("file:///")) expect(existsSync(fileURLToPath(specifier))).toBe(true);
      }
      expect(imported.some((specifier) => specifier.includes("@tensorflow/tfjs"))).toBe(true);
      // A module that finds a file beside itself still looks beside its source, not beside the bundle.
      const verifierCaller = new URL("../../core/src/verification/verify-bundle-in-fresh-process.ts", import.meta.url);
      expect(code).toContain(JSON.stringify(verifierCaller.href));
      expect(code).not.toContain("import.meta.url");
      expect(code).toContain("//# sourceMappingURL=run-pipeline.mjs.map");
    } finally {
      await bundle.dispose();
    }
    expect(existsSync(bundle.module)).toBe(false);
  });
});
