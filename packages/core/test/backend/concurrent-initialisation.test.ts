import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const FIXTURE = fileURLToPath(new URL("./fixtures/initialise-concurrently.ts", import.meta.url));

describe("initialiseBackend called twice at once", () => {
  it("starts one backend, and both callers get it", () => {
    // A fresh process: this test file's own backend is already started by the setup file.
    const output = execFileSync(process.execPath, ["--import", "tsx", FIXTURE], {
      encoding: "utf8",
      env: { ...process.env, DEADWEIGHT_BACKEND: undefined },
    });
    const result = JSON.parse(output.trim().split("\n").at(-1) as string);
    expect(result.first).toBe(result.second);
    expect(result.tensorflowJs).toBe(result.first);
    expect(["tensorflow", "wasm"]).toContain(result.first);
  });
});
