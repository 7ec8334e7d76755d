import { spawn } from "node:child_process";
import { mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const BIN = fileURLToPath(new URL("../bin/deadweight-server.mjs", import.meta.url));

/** Runs the server command with the given environment until `until` matches its output (or it exits). */
function runServer(env: Record<string, string>, until: RegExp) {
  const child = spawn(process.execPath, [BIN], {
    // Only what the test sets: nothing of this machine's environment leaks into the server.
    env: { PATH: process.env.PATH ?? "", NODE_ENV: "production", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const exit = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const ready = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no match for ${until} in:\n${output}`)), 15_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (until.test(output)) {
        clearTimeout(timer);
        resolve(output);
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    void exit.then(() => {
      clearTimeout(timer);
      resolve(output);
    });
  });
  return { child, ready, exit };
}

describe("deadweight-server", () => {
  it("starts on a fresh data folder, prints its URL, answers, and stops cleanly on SIGTERM", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "deadweight-server-"));
    const server = runServer({ DEADWEIGHT_DATA_DIR: dataDir, DEADWEIGHT_PORT: "0" }, /listening on (http:\S+)/);
    const output = await server.ready;
    const url = /listening on (http:\S+)/.exec(output)![1]!;
    expect(output).toMatch(/password: \S+/);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect(statSync(join(dataDir, "auth-secret")).mode & 0o777).toBe(0o600);
    server.child.kill("SIGTERM");
    expect(await server.exit).toBe(0);
  }, 20_000);

  it("refuses a bad environment with exit code 2 and a message naming the variable", async () => {
    const server = runServer({ DEADWEIGHT_PORT: "http" }, /invalid environment/);
    expect(await server.exit).toBe(2);
    expect(await server.ready).toMatch(/DEADWEIGHT_PORT="http": expected a port number/);
  }, 20_000);
});
