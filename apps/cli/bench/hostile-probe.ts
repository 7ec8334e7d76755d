/**
 * The hostile and careless user of the hardening issue, against a real platform: `deadweight
 * platform` (API, SQLite store, local worker) in its own process on a scratch data directory. Each
 * try is sent as such a user would (HTTP, raw sockets, the worker's queue) and what happened is
 * printed as one JSON object: { tries: [{ area, try, expected, observed, held }], held, of }.
 * Not a test (tests hold each item; see the README's "Limits" and "Security" sections): a table
 * for people, to run after a change to any of them.
 * Usage: pnpm --filter @deadweight/cli run probe:hostile
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const CLI_BIN = fileURLToPath(new URL("../bin/deadweight.mjs", import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), "deadweight-hostile-"));
const children: ChildProcess[] = [];
process.on("exit", () => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  rmSync(dataDir, { recursive: true, force: true });
});

interface Try {
  readonly area: string;
  readonly try: string;
  readonly expected: string;
  readonly observed: string;
  readonly held: boolean;
}
const tries: Try[] = [];
async function attempt(
  area: string,
  what: string,
  expected: string,
  probe: () => Promise<{ observed: string; held: boolean }>,
): Promise<void> {
  try {
    const { observed, held } = await probe();
    tries.push({ area, try: what, expected, observed, held });
  } catch (error) {
    tries.push({ area, try: what, expected, observed: `probe failed: ${(error as Error).message}`, held: false });
  }
  process.stderr.write(`${tries.at(-1)?.held ? "held  " : "FAILED"} ${area}: ${what}\n`);
}

const port = await freePort();
const url = `http://127.0.0.1:${port}`;
const platform = spawn(
  process.execPath,
  [CLI_BIN, "platform", "--data-dir", dataDir, "--port", String(port), "--no-dashboard"],
  {
    stdio: ["ignore", "pipe", "pipe"],
    // Sign-up as on a server the network reaches (the default there): by invitation only.
    env: { ...process.env, FORCE_COLOR: "0", DEADWEIGHT_SIGN_UP: "invite" },
  },
);
children.push(platform);
let platformLog = "";
platform.stdout?.on("data", (chunk: Buffer) => {
  platformLog += chunk.toString("utf8");
});
platform.stderr?.on("data", (chunk: Buffer) => {
  platformLog += chunk.toString("utf8");
});
await until(
  "the platform to answer /healthz",
  async () => (await fetch(`${url}/healthz`).catch(() => null))?.ok === true,
);
await until("the CLI token to be written", () => tokenFile("cli-token") !== null);
const cliToken = tokenFile("cli-token") as string;
const bearer = { authorization: `Bearer ${cliToken}` };
const me = (await trpcQuery("team.me", {}, bearer)).body as { result: { data: { token: { teamId: string } } } };
const teamId = me.result.data.token.teamId;
const projects = await trpcQuery("project.list", { teamId }, bearer);
const projectId = (projects.body as { result: { data: { items: { id: string }[] } } }).result.data.items[0]?.id;
const experiment = (config: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  trpcMutation("experiment.create", { projectId, name: "probe", config, ...extra }, bearer);

// 1. What one experiment may ask for.
for (const [what, config] of [
  ["model.hidden: [1000000000]", { model: { hidden: [1_000_000_000] } }],
  ["training.epochs: 1e9", { training: { epochs: 1e9 } }],
  ["training.batchSize: 1e12", { training: { batchSize: 1e12 } }],
  ["a 120 x 100 threshold grid", { pruning: { means: range(120, 0.01), stds: range(100, 0.01) } }],
  ["config.dataset of 1,000,000 characters", { dataset: "x".repeat(1_000_000) }],
] as const) {
  await attempt("limits", what, "400 naming the field and the limit, nothing stored", async () => {
    const answer = await experiment(config);
    return { observed: `${answer.status}: ${errorMessage(answer.body).slice(0, 160)}`, held: answer.status === 400 };
  });
}
for (const [what, name] of [
  ["an experiment name with NUL", "a\u0000b"],
  ["an experiment name with U+202E", "invoice\u202efdp.exe"],
] as const) {
  await attempt("limits", what, "400 naming the character", async () => {
    const answer = await experiment({}, { name });
    return { observed: `${answer.status}: ${errorMessage(answer.body).slice(0, 160)}`, held: answer.status === 400 };
  });
}

// 2. Request bodies.
await attempt(
  "requests",
  "a 50 MB tRPC body (description)",
  "413 before buffering; server RSS +50 MB at most",
  async () => {
    const before = rssOf(platform.pid as number);
    const answer = await trpcMutation(
      "experiment.create",
      { projectId, name: "big", description: "d".repeat(50 * 2 ** 20), config: {} },
      bearer,
    );
    const grew = rssOf(platform.pid as number) - before;
    return {
      observed: `${answer.status}; platform RSS ${grew >= 0 ? "+" : ""}${Math.round(grew / 2 ** 20)} MB`,
      held: answer.status === 413 && grew < 50 * 2 ** 20,
    };
  },
);
await attempt(
  "requests",
  "GET http://evil.example/api/artifacts/x (absolute-form target)",
  "400, no redirect",
  async () => {
    const status = await rawRequest(
      port,
      "GET http://evil.example/api/artifacts/x HTTP/1.1\r\nHost: evil.example\r\n\r\n",
    );
    return { observed: status, held: status.includes(" 400 ") };
  },
);

// 3. Files on the worker's machine.
for (const [what, dataset, secret] of [
  ["dataset csv:/etc/passwd", "csv:/etc/passwd", "root:x:0"],
  ["dataset idx:/", "idx:/", "usr"],
] as const) {
  await attempt(
    "datasets",
    what,
    "refused before reading; the error quotes no contents and lists no folder",
    async () => {
      const answer = await experiment({ dataset, split: { maxTrainSamples: 100 } });
      if (answer.status !== 200) {
        const message = errorMessage(answer.body);
        return {
          observed: `refused at creation (${answer.status}): ${message.slice(0, 160)}`,
          held: !message.includes(secret),
        };
      }
      const runId = (answer.body as { result: { data: { runs: { recent: { id: string }[] } } } }).result.data.runs
        .recent[0]?.id;
      const run = await until("the run to end", async () => {
        const got = (await trpcQuery("run.get", { runId }, bearer)).body as {
          result: { data: { status: string; errorMessage: string | null; attempt: number } };
        };
        const data = got.result.data;
        return data.status === "failed" || data.status === "succeeded" ? data : false;
      });
      const message = run.errorMessage ?? "";
      return {
        observed: `${run.status} at attempt ${run.attempt}: ${message.slice(0, 200)}`,
        held: run.status === "failed" && !message.includes(secret) && run.attempt === 1,
      };
    },
  );
}

// 4-6. Sign-up, CSRF, hardening.
const signUp = (email: string) =>
  postJson(
    `${url}/api/auth/sign-up/email`,
    { email, password: "a long enough password", name: "Probe" },
    { origin: url },
  );
await attempt("sign-up", "anonymous sign-up, then team.create, on an invite-only server", "403", async () => {
  const answer = await signUp("stranger@example.com");
  return {
    observed: `${answer.status}: ${errorMessage(await answer.json().catch(() => null)).slice(0, 140)}`,
    held: answer.status === 403,
  };
});
await attempt("sign-up", "sign-up of an email an admin invited", "200, and a member of the inviting team", async () => {
  await trpcMutation("team.invitations.create", { teamId, email: "invited@example.com" }, bearer);
  const answer = await signUp("invited@example.com");
  const members = (await trpcQuery("team.members.list", { teamId, limit: 100 }, bearer)).body as {
    result?: { data?: { items?: { email: string; role: string }[] } };
  };
  const joined = members.result?.data?.items?.find((member) => member.email === "invited@example.com");
  return {
    observed: `${answer.status}; ${joined === undefined ? "not a member" : `member as ${joined.role}`}`,
    held: answer.status === 200 && joined !== undefined,
  };
});
const owner = /email:\s+(\S+)[\s\S]*?password:\s+(\S+)/.exec(platformLog);
const signIn =
  owner === null
    ? null
    : await postJson(`${url}/api/auth/sign-in/email`, { email: owner[1], password: owner[2] }, { origin: url });
const cookie =
  signIn === null
    ? ""
    : signIn.headers
        .getSetCookie()
        .map((line) => line.split(";")[0])
        .join("; ");
await attempt("csrf", "a cookie-authenticated mutation without Origin", "403", async () => {
  const answer = await trpcMutation("project.create", { teamId, name: "csrf" }, { cookie });
  return { observed: `${answer.status}: ${errorMessage(answer.body).slice(0, 120)}`, held: answer.status === 403 };
});
await attempt("hardening", "get-session's body", "no session token in it", async () => {
  const answer = await fetch(`${url}/api/auth/get-session`, { headers: { cookie } });
  const text = await answer.text();
  const token = /"token"\s*:\s*"([^"]+)"/.exec(text)?.[1];
  return { observed: token === undefined ? "no token" : "the session token is in the body", held: token === undefined };
});
await attempt("hardening", "the database file and the data folder", "0600 and 0700", async () => {
  const file = statSync(join(dataDir, "deadweight.db")).mode & 0o777;
  const folder = statSync(dataDir).mode & 0o777;
  return {
    observed: `file ${file.toString(8)}, folder ${folder.toString(8)}`,
    held: file === 0o600 && folder === 0o700,
  };
});
await attempt("hardening", "headers of an API answer", "X-Content-Type-Options: nosniff", async () => {
  const answer = await fetch(`${url}/api/trpc/team.me`, { headers: bearer });
  const nosniff = answer.headers.get("x-content-type-options");
  return { observed: `nosniff: ${nosniff}`, held: nosniff === "nosniff" };
});

platform.kill("SIGTERM");
const held = tries.filter((entry) => entry.held).length;
console.log(JSON.stringify({ tries, held, of: tries.length }, null, 2));
process.exit(held === tries.length ? 0 : 1);

function tokenFile(name: string): string | null {
  try {
    return readFileSync(join(dataDir, name), "utf8").trim();
  } catch {
    return null;
  }
}

function range(count: number, step: number): number[] {
  return Array.from({ length: count }, (_, i) => Number((i * step).toFixed(4)));
}

async function trpcMutation(path: string, input: unknown, headers: Record<string, string>) {
  const response = await postJson(`${url}/api/trpc/${path}`, input, headers);
  return { status: response.status, body: await response.json().catch(() => null) };
}

async function trpcQuery(path: string, input: unknown, headers: Record<string, string>) {
  const response = await fetch(`${url}/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`, {
    headers,
  });
  return { status: response.status, body: await response.json().catch(() => null) };
}

function postJson(target: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(target, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
}

function errorMessage(body: unknown): string {
  const error = (body as { error?: { message?: string } } | null)?.error;
  return error?.message ?? JSON.stringify(body)?.slice(0, 200) ?? "(no body)";
}

/** The first line of the server's answer to `request`, sent as raw bytes. */
function rawRequest(to: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(to, "127.0.0.1", () => socket.write(request));
    let answer = "";
    socket.on("data", (chunk) => {
      answer += chunk.toString("latin1");
      if (answer.includes("\r\n")) {
        socket.destroy();
        resolve(answer.split("\r\n")[0] as string);
      }
    });
    socket.on("error", reject);
  });
}

/** The resident set size of a process, from /proc (Linux). */
function rssOf(pid: number): number {
  const line = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return Number(line?.[1] ?? 0) * 1024;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address() as { port: number };
      server.close(() => resolve(address.port));
    });
  });
}

/** Polls `check` until it gives a value other than false, or fails after 5 minutes naming `what`. */
async function until<T>(what: string, check: () => Promise<T | false> | T | false): Promise<T> {
  const deadline = Date.now() + 300_000;
  for (;;) {
    const value = await check();
    if (value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
