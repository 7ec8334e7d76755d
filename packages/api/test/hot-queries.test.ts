import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../src/access/actor.js";
import { createApiToken } from "../src/domain/api-tokens/create-api-token.js";
import { HOT_QUERY_PATHS } from "../src/http/hot-queries.js";
import { appRouter } from "../src/root.js";
import { createTestDatabase } from "./test-database.js";
import { startTestServer } from "./test-server.js";
import { createStaffedTeam, smallConfig, sweepRowsFixture } from "./tracking-fixtures.js";

// The hot reads skip tRPC's fetch adapter (src/http/hot-queries.ts): a client must not be able to
// tell. Each answer over HTTP is compared, byte for byte, with what the adapter gives for the same
// request and caller.

const { store, db } = await createTestDatabase();
const server = await startTestServer(store);
let headers: Record<string, string>;
let actor: Actor;
let projectId: string;
let runIds: string[];
let foreignRunId: string;

beforeAll(async () => {
  const staff = await createStaffedTeam(store, "Hot");
  const others = await createStaffedTeam(store, "Others");
  const project = await staff.member.project.create({ teamId: staff.team.id, name: "hot" });
  projectId = project.id;
  const token = await createApiToken(store, staff.people.admin, { teamId: staff.team.id, name: "t", kind: "user" });
  headers = { authorization: `Bearer ${token.token}` };
  actor = { kind: "user", userId: staff.people.admin.userId, tokenId: token.id, tokenTeamId: staff.team.id };
  const experiment = await staff.member.experiment.create({
    projectId,
    name: "wide",
    tags: ["b", "a"],
    config: smallConfig(),
    runs: 2,
  });
  runIds = (await db.run.findMany({ where: { experimentId: experiment.id }, orderBy: { id: "asc" } })).map((r) => r.id);
  const rows = sweepRowsFixture();
  await db.run.update({
    where: { id: runIds[0] },
    data: {
      baseMetrics: JSON.stringify({
        hiddenSizes: [8, 4],
        parameters: 100,
        bytes: 400,
        validationAccuracy: 0.96,
        testAccuracy: 0.95,
        latencyMsPerSample: 0.1,
      }),
    },
  });
  for (const [position, row] of rows.entries()) {
    await db.resultRow.create({
      data: {
        runId: runIds[0]!,
        rowKey: row.id,
        position,
        threshold: JSON.stringify(row.threshold),
        status: row.status,
        note: row.note ?? null,
        keptNeurons: JSON.stringify(row.keptNeurons),
        keptNeuronTotal: row.keptNeuronTotal,
        parameters: row.parameters,
        bytes: row.bytes,
        validationAccuracy: row.validationAccuracy,
        testAccuracy: row.testAccuracy,
        validationAccuracyDrop: row.validationAccuracyDrop,
        testAccuracyDrop: row.testAccuracyDrop,
        parameterReductionPercent: row.parameterReductionPercent,
        neuronReductionPercent: row.neuronReductionPercent,
        latencyMsPerSample: row.latencyMsPerSample,
        pareto: row.pareto,
      },
    });
  }
  const foreignProject = await others.member.project.create({ teamId: others.team.id, name: "theirs" });
  const foreign = await others.member.experiment.create({
    projectId: foreignProject.id,
    name: "x",
    config: smallConfig(),
  });
  foreignRunId = (await db.run.findFirstOrThrow({ where: { experimentId: foreign.id } })).id;
});

/** The answer over the real server (the hot route) and the adapter's answer to the same request. */
async function both(path: string, input: unknown) {
  const query = `/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`;
  const overHttp = await fetch(`${server.url}${query}`, { headers });
  const byAdapter = await fetchRequestHandler({
    endpoint: "/api/trpc",
    req: new Request(`http://localhost${query}`, { headers }),
    router: appRouter,
    createContext: () => ({ store, actor }),
  });
  return {
    http: { status: overHttp.status, type: overHttp.headers.get("content-type"), body: await overHttp.text() },
    adapter: { status: byAdapter.status, type: byAdapter.headers.get("content-type"), body: await byAdapter.text() },
  };
}

describe("the hot reads", () => {
  it("are experiment.list, result.rows and compare.runs", () => {
    expect([...HOT_QUERY_PATHS].sort()).toEqual(["compare.runs", "experiment.list", "result.rows"]);
  });

  it("answer byte for byte what tRPC's adapter answers", async () => {
    const answers = [
      await both("experiment.list", { projectId, limit: 1 }),
      await both("experiment.list", { projectId, sort: { field: "name", direction: "asc" }, search: "wid" }),
      await both("result.rows", { runId: runIds[0] }),
      await both("result.rows", { runId: runIds[1] }),
      await both("compare.runs", { runIds }),
      await both("compare.runs", { runIds, size: "parameters" }),
    ];
    for (const { http, adapter } of answers) {
      expect(http.status).toBe(200);
      expect(http).toEqual(adapter);
    }
    // Not empty answers: the rows and points are in them.
    expect(JSON.parse(answers[2]!.http.body).result.data.rows).toHaveLength(sweepRowsFixture().length);
  });

  it("leave refusals and bad input to the adapter, in its error shape", async () => {
    const foreign = await both("result.rows", { runId: foreignRunId });
    expect(foreign.http.status).toBe(404);
    expect(foreign.http).toEqual(foreign.adapter);
    const badInput = await both("compare.runs", { runIds: [] });
    expect(badInput.http.status).toBe(400);
    expect(JSON.parse(badInput.http.body).error.data.fields).toEqual(["runIds"]);
    const unreadable = await fetch(`${server.url}/api/trpc/result.rows?input=%7Bnot-json`, { headers });
    expect(unreadable.status).toBe(400);
    const anonymous = await fetch(
      `${server.url}/api/trpc/result.rows?input=${encodeURIComponent(JSON.stringify({ runId: runIds[0] }))}`,
    );
    expect(anonymous.status).toBe(401);
  });

  it("leave batched requests to the adapter", async () => {
    const input = encodeURIComponent(JSON.stringify({ 0: { runId: runIds[0] }, 1: { projectId, limit: 1 } }));
    const response = await fetch(`${server.url}/api/trpc/result.rows,experiment.list?batch=1&input=${input}`, {
      headers,
    });
    expect(response.status).toBe(200);
    const [rows, list] = (await response.json()) as [
      { result: { data: { runId: string } } },
      { result: { data: { items: unknown[] } } },
    ];
    expect(rows.result.data.runId).toBe(runIds[0]);
    expect(list.result.data.items).toHaveLength(1);
  });
});
