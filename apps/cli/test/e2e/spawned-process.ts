import { type ChildProcess, spawn } from "node:child_process";
import { afterAll } from "vitest";

/** A real process the end-to-end tests started (a platform, a server replica, a worker), with what it printed. */
export interface SpawnedProcess {
  readonly process: ChildProcess;
  /** Everything it wrote to stdout and stderr so far, in order. */
  output(): string;
  readonly exited: Promise<{ readonly code: number | null; readonly signal: NodeJS.Signals | null }>;
}

const started: ChildProcess[] = [];
afterAll(() => {
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
});

/**
 * `node <args>` with `env`, its output captured; killed (SIGKILL) after the test file if still
 * running, so no process outlives the tests that started it.
 */
export function spawnNode(args: readonly string[], env: NodeJS.ProcessEnv): SpawnedProcess {
  const child = spawn(process.execPath, [...args], { stdio: ["ignore", "pipe", "pipe"], env });
  started.push(child);
  let output = "";
  for (const stream of [child.stdout, child.stderr]) {
    stream?.on("data", (chunk: Buffer) => {
      output += chunk.toString("utf8");
    });
  }
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  return { process: child, output: () => output, exited };
}

/**
 * The first match of `pattern` in what `spawned` printed, once it appears; fails naming `what` and
 * showing the output when the process exits first or `timeoutMs` passes (a bound on failure only).
 */
export async function printed(
  spawned: SpawnedProcess,
  what: string,
  pattern: RegExp,
  timeoutMs: number,
): Promise<RegExpExecArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = pattern.exec(spawned.output());
    if (match !== null) return match;
    const { exitCode, signalCode } = spawned.process;
    if (exitCode !== null || signalCode !== null) {
      throw new Error(`${what}: the process exited (${exitCode ?? signalCode}) first:\n${spawned.output()}`);
    }
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}:\n${spawned.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
