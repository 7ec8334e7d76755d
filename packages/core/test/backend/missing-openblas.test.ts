import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const FIXTURE = fileURLToPath(new URL("./fixtures/initialise-with-missing-openblas.ts", import.meta.url));

describe("DEADWEIGHT_OPENBLAS naming a library that does not load", () => {
  it("refuses with BACKEND_UNAVAILABLE naming the path and what to do, instead of falling to a slower backend", () => {
    // A fresh process: this test file's own backend is already started by the setup file.
    const output = execFileSync(process.execPath, ["--import", "tsx", FIXTURE], {
      encoding: "utf8",
      env: { ...process.env, DEADWEIGHT_BACKEND: undefined, DEADWEIGHT_OPENBLAS: "/nonexistent/libopenblas.so" },
    });
    const result = JSON.parse(output.trim().split("\n").at(-1) as string);
    expect(result.started).toBeUndefined();
    expect(result.code).toBe("BACKEND_UNAVAILABLE");
    expect(result.message).toContain("DEADWEIGHT_OPENBLAS=/nonexistent/libopenblas.so");
    expect(result.message).toContain("apt-get install libopenblas0");
  });
});
