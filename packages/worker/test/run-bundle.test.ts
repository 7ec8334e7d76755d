import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
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

  it("deletes the bundle folders of workers that ended without deleting theirs (kill -9), and only those", async () => {
    const parent = mkdtempSync(join(tmpdir(), "bundle-folders-"));
    try {
      // A pid nobody runs any more: a process that has exited.
      const endedPid = spawnSync(process.execPath, ["-e", ""]).pid as number;
      const ended = `deadweight-run-pipeline-${endedPid}-abc123`;
      const running = `deadweight-run-pipeline-${process.pid}-def456`;
      const other = "deadweight-run-pipeline-notapid";
      for (const name of [ended, running, other]) mkdirSync(join(parent, name));
      const bundle = await bundleRunPipeline({ temporaryFolder: parent });
      const ours = readdirSync(parent).filter((name) => ![running, other].includes(name));
      expect(ours).toEqual([basename(dirname(fileURLToPath(bundle.module)))]);
      expect(ours[0]).toMatch(new RegExp(`^deadweight-run-pipeline-${process.pid}-`));
      await bundle.dispose();
      expect(readdirSync(parent).sort()).toEqual([running, other].sort());
    } finally {
      rmSync(parent, { recursive: true, force: true });
    }
  });
});
