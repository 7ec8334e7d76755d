import { randomBytes } from "node:crypto";
import { createServer, request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { createApiToken } from "../src/domain/api-tokens/create-api-token.js";
import { recordRunResults } from "../src/domain/results/record-run-results.js";
import { createDirectTrpcQueryHandler } from "../src/http/direct-trpc-query.js";
import { signUp } from "./sign-in.js";
import { createTestDatabase } from "./test-database.js";
import { startTestServer } from "./test-server.js";
import { createStaffedTeam, runResultsFixture, smallConfig } from "./tracking-fixtures.js";

// Plain tRPC GET queries are answered straight on the node request (direct-trpc-query.ts). Here
// every kind of request is sent to two servers on the same database, one answering that way and
// one through tRPC's fetch adapter only: status, headers and body must be the same, byte for byte.

const { db } = createTestDatabase();
const authSecret = randomBytes(32).toString("base64url");
const logged = { direct: [] as string[], standard: [] as string[] };
const direct = await startTestServer(db, { authSecret, logError: (message) => logged.direct.push(message) });
const standard = await startTestServer(db, {
  authSecret,
  directTrpcQueries: false,
  logError: (message) => logged.standard.push(message),
});

const staff = await createStaffedTeam(db, "Direct");
const project = await staff.member.project.create({ teamId: staff.team.id, name: "Direct" });
const experiment = await staff.member.experiment.create({
  projectId: project.id,
  name: "direct 100%_sure",
  tags: ["edge"],
  config: smallConfig(),
});
const runIds: string[] = [];
for (let i = 0; i < 3; i++) runIds.push((await staff.member.run.queue({ experimentId: experiment.id })).id);
await recordRunResults(db, runIds[0] as string, runResultsFixture());
await recordRunResults(db, runIds[1] as string, runResultsFixture());
// A run whose stored base metrics cannot be parsed: its results fail with an internal error.
await db.run.update({ where: { id: runIds[2] }, data: { baseMetrics: "{not json" } });

const userToken = (await createApiToken(db, staff.people.admin, { teamId: staff.team.id, name: "u", kind: "user" }))
  .token;
const workerToken = (await createApiToken(db, staff.people.admin, { teamId: staff.team.id, name: "w", kind: "worker" }))
  .token;
// A person signed in with a session cookie, made a viewer of the team.
const viewerCookie = await signUp(direct.url, { email: "viewer@example.test", password: "viewer-password", name: "V" });
const viewer = await db.user.findUniqueOrThrow({ where: { email: "viewer@example.test" } });
await db.membership.create({ data: { teamId: staff.team.id, userId: viewer.id, role: "viewer" } });

const input = (value: unknown) => `input=${encodeURIComponent(JSON.stringify(value))}`;
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const cookie = { cookie: viewerCookie };

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | undefined>;
  readonly body: string;
}

/** One GET with exactly these raw headers (repeated names allowed), through a fresh connection. */
function get(base: string, target: string, headers: ReadonlyArray<[string, string]>): Promise<Answer> {
  return new Promise((resolve, reject) => {
    // Given as a raw list, node adds no Host header of its own.
    const raw = [["host", new URL(base).host], ...headers].flat();
    const request = httpRequest(`${base}${target}`, { headers: raw, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => {
        const { date: _date, ...rest } = response.headers;
        resolve({
          status: response.statusCode as number,
          headers: Object.fromEntries(Object.entries(rest).map(([name, value]) => [name, String(value)])),
          body: Buffer.concat(chunks).toString("utf8"),
        });
      });
    });
    request.on("error", reject);
    request.end();
  });
}

const entries = (headers: Record<string, string>) => Object.entries(headers) as Array<[string, string]>;

/** Requests both servers answer: [what, target, headers, expected status]. */
const CASES: ReadonlyArray<readonly [string, string, ReadonlyArray<[string, string]>, number]> = [
  [
    "a list with a token",
    `/api/trpc/experiment.list?${input({ projectId: project.id })}`,
    entries(bearer(userToken)),
    200,
  ],
  [
    "a list with a session cookie",
    `/api/trpc/experiment.list?${input({ projectId: project.id })}`,
    entries(cookie),
    200,
  ],
  [
    "a search with wildcards",
    `/api/trpc/experiment.list?${input({ projectId: project.id, search: "100%_", sort: { field: "name", direction: "asc" } })}`,
    entries(bearer(userToken)),
    200,
  ],
  ["a run's results", `/api/trpc/result.rows?${input({ runId: runIds[0] })}`, entries(bearer(userToken)), 200],
  [
    "a compare",
    `/api/trpc/compare.runs?${input({ runIds: runIds.slice(0, 2), size: "parameters" })}`,
    entries(cookie),
    200,
  ],
  ["a run", `/api/trpc/run.get?${input({ runId: runIds[1] })}`, entries(bearer(userToken)), 200],
  ["projects", `/api/trpc/project.list?${input({ teamId: staff.team.id })}`, entries(cookie), 200],
  ["a missing run", `/api/trpc/result.rows?${input({ runId: "missing-run" })}`, entries(bearer(userToken)), 404],
  ["invalid input", `/api/trpc/experiment.list?${input({ projectId: project.id, limit: 0 })}`, entries(cookie), 400],
  ["input that is not JSON", "/api/trpc/experiment.list?input=%7Bnope", entries(bearer(userToken)), 400],
  ["no input", "/api/trpc/experiment.list", entries(bearer(userToken)), 400],
  ["an empty input", "/api/trpc/experiment.list?input=", entries(bearer(userToken)), 400],
  ["no credentials", `/api/trpc/experiment.list?${input({ projectId: project.id })}`, [], 401],
  [
    "an unknown token",
    `/api/trpc/experiment.list?${input({ projectId: project.id })}`,
    entries(bearer("dw_nope")),
    401,
  ],
  ["a malformed Authorization", `/api/trpc/project.list?${input({})}`, [["authorization", "Basic eDp5"]], 401],
  [
    "two Authorization headers",
    `/api/trpc/project.list?${input({ teamId: staff.team.id })}`,
    [
      ["authorization", `Bearer ${userToken}`],
      ["Authorization", `Bearer ${userToken}`],
    ],
    401,
  ],
  [
    "a worker token",
    `/api/trpc/experiment.list?${input({ projectId: project.id })}`,
    entries(bearer(workerToken)),
    403,
  ],
  ["too weak a role", `/api/trpc/audit.list?${input({ teamId: staff.team.id })}`, entries(cookie), 403],
  ["an internal failure", `/api/trpc/result.rows?${input({ runId: runIds[2] })}`, entries(bearer(userToken)), 500],
  ["a mutation by GET", `/api/trpc/run.queue?${input({ experimentId: experiment.id })}`, entries(cookie), 405],
  ["an unknown procedure", `/api/trpc/experiment.nope?${input({})}`, entries(cookie), 404],
  [
    "a batch",
    `/api/trpc/experiment.list,project.list?batch=1&${input({ 0: { projectId: project.id }, 1: { teamId: staff.team.id } })}`,
    entries(cookie),
    200,
  ],
  ["a trailing slash", `/api/trpc/experiment.list/?${input({ projectId: project.id })}`, entries(cookie), 200],
  [
    "a streaming client without a batch",
    `/api/trpc/experiment.list?${input({ projectId: project.id })}`,
    [...entries(cookie), ["trpc-accept", "application/jsonl"]],
    400,
  ],
];

describe("tRPC GET queries answered directly", () => {
  it("get exactly the answers tRPC's fetch adapter gives, for every kind of request", async () => {
    for (const [what, target, headers, status] of CASES) {
      const [directAnswer, standardAnswer] = [
        await get(direct.url, target, headers),
        await get(standard.url, target, headers),
      ];
      expect(directAnswer, what).toEqual(standardAnswer);
      expect(directAnswer.status, `${what}: ${directAnswer.body}`).toBe(status);
    }
    // Internal failures are reported (once each), never shown.
    expect(logged.direct).toEqual(["tRPC result.rows failed"]);
    expect(logged.standard).toEqual(logged.direct);
  });

  it("answer plain queries themselves and leave everything else to the fetch adapter", async () => {
    // The direct handler alone: whatever it declines is answered 599 here.
    const handler = createDirectTrpcQueryHandler({ db, auth: direct.auth, exposure: "loopback", logError: () => {} });
    const server = createServer((incoming, outgoing) => {
      void handler(incoming, outgoing).then((handled) => {
        if (handled) return;
        outgoing.statusCode = 599;
        outgoing.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    afterAll(() => new Promise((resolve) => server.close(resolve)));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    const declined: string[] = [];
    for (const [what, target, headers, status] of CASES) {
      const answer = await get(base, target, headers);
      if (answer.status === 599) declined.push(what);
      else expect(answer.status, what).toBe(status);
    }
    expect(declined).toEqual([
      "an unknown token",
      "a malformed Authorization",
      "two Authorization headers",
      "a mutation by GET",
      "an unknown procedure",
      "a batch",
      "a trailing slash",
      "a streaming client without a batch",
    ]);
  });
});
