import { spawn, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const BIN = fileURLToPath(new URL("../../bin/deadweight.mjs", import.meta.url));

export interface CliRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the real `deadweight` command in a child process, as a user would. */
export function runDeadweight(args: readonly string[], cwd?: string): CliRun {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    encoding: "utf8",
    cwd,
    timeout: 110_000,
    env: { ...process.env, DEADWEIGHT_BACKEND: undefined, FORCE_COLOR: "0" },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * The same, without blocking this process: for commands that talk to a server running in the
 * test's own process (spawnSync would stop it from answering).
 */
export function runDeadweightAsync(
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>> = {},
  timeoutMs = 60_000,
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: {
        ...process.env,
        DEADWEIGHT_BACKEND: undefined,
        DEADWEIGHT_SERVER: undefined,
        DEADWEIGHT_TOKEN: undefined,
        FORCE_COLOR: "0",
        ...env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString("utf8");
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
    });
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`deadweight ${args.join(" ")} did not finish in ${timeoutMs} ms\n${stderr}`));
    }, timeoutMs);
    child.once("exit", (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}
