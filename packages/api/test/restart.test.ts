import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { openDatabase } from "@deadweight/db";
import { afterAll, describe, expect, it } from "vitest";
import { cookieFrom, signIn } from "./sign-in.js";
import { apiClient } from "./test-server.js";

const FIXTURE = fileURLToPath(new URL("./fixtures/serve-api.ts", import.meta.url));
/** The SQLite migrations a fresh store applies: one folder each under prisma/migrations. */
const MIGRATIONS = readdirSync(fileURLToPath(new URL("../../../prisma/migrations", import.meta.url)), {
  withFileTypes: true,
}).filter((entry) => entry.isDirectory()).length;
const dataDir = mkdtempSync(join(tmpdir(), "deadweight-restart-"));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
});

/** Starts the server in its own process and waits until it listens; returns its URL and everything it printed. */
async function startServerProcess(): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = spawn(process.execPath, ["--import", "tsx", FIXTURE, dataDir], {
    cwd: fileURLToPath(new URL("..", import.meta.url)),
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr!.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 15_000);
    child.stdout!.on("data", () => {
      const match = /LISTENING (\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once("exit", (code) => reject(new Error(`server exited with ${code}:\n${output}`)));
  });
  return { child, url, output: () => output };
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  }
  return new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
}

describe("restarting the server", () => {
  it("keeps every acknowledged write through a SIGKILL mid-write, and does not migrate or bootstrap twice", async () => {
    const first = await startServerProcess();
    expect(first.output()).toContain(`applied ${MIGRATIONS} migration(s)`);
    expect(first.output()).toMatch(/First start: created a local owner account/);
    const email = /email:\s+(\S+)/.exec(first.output())![1]!;
    const password = /password:\s+(\S+)/.exec(first.output())![1]!;

    const signedIn = await signIn(first.url, email, password);
    expect(signedIn.status).toBe(200);
    const cookie = cookieFrom(signedIn);

    // Eight clients create teams as fast as they can; the process is killed while they are at it.
    const acknowledged: string[] = [];
    let attempted = 0;
    let stop = false;
    const writer = async (client: number) => {
      const api = apiClient(first.url, { cookie });
      for (let i = 0; !stop; i++) {
        attempted++;
        try {
          const team = await api.team.create.mutate({ name: `w${client}-${i}` });
          acknowledged.push(team.id);
        } catch {
          return; // the server is gone
        }
      }
    };
    const writers = Array.from({ length: 8 }, (_, client) => writer(client));
    while (acknowledged.length < 40) await new Promise((resolve) => setTimeout(resolve, 5));
    first.child.kill("SIGKILL");
    stop = true;
    await Promise.all(writers);
    expect((await exited(first.child)).signal).toBe("SIGKILL");
    // Requests were still in flight when it died.
    expect(attempted).toBeGreaterThan(acknowledged.length);

    const second = await startServerProcess();
    expect(second.output()).toContain(`migrations already applied (${MIGRATIONS}), nothing to do`);
    expect(second.output()).not.toMatch(/First start/);

    // The session made before the kill is still valid: sessions and the auth secret persisted.
    const api = apiClient(second.url, { cookie });
    const teams = await api.team.listMine.query();
    const ids = new Set(teams.map((team) => team.id));
    for (const id of acknowledged) expect(ids.has(id), `acknowledged team ${id} survived`).toBe(true);
    expect(teams.filter((team) => team.name === "Local")).toHaveLength(1);
    // The artifact routes are mounted by default (here: an id that does not exist).
    const artifact = await fetch(`${second.url}/api/artifacts/no-such-artifact`, { headers: { cookie } });
    expect(artifact.status).toBe(404);
    // The same first-start password still signs in; no second owner account appeared.
    expect((await signIn(second.url, email, password)).status).toBe(200);

    second.child.kill("SIGTERM");
    expect(await exited(second.child)).toEqual({ code: 0, signal: null });

    const reopened = openDatabase(join(dataDir, "deadweight.db"));
    try {
      expect(reopened.migrations.applied).toEqual([]);
      expect(await reopened.db.$queryRawUnsafe("PRAGMA integrity_check")).toEqual([{ integrity_check: "ok" }]);
      expect(await reopened.db.user.count()).toBe(1);
      expect(await reopened.db.project.count({ where: { name: "Demo" } })).toBe(1);
      // Every team row is whole: it has its owner membership and its audit entry (one transaction each).
      const teamsInDb = await reopened.db.team.findMany({
        select: { id: true, _count: { select: { memberships: true, auditEntries: true } } },
      });
      for (const team of teamsInDb) expect(team._count.memberships, team.id).toBe(1);
      for (const team of teamsInDb) expect(team._count.auditEntries, team.id).toBeGreaterThanOrEqual(1);
    } finally {
      await reopened.close();
    }
  }, 20_000);
});
