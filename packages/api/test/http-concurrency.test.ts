import { describe, expect, it } from "vitest";
import { createApiToken } from "../src/domain/api-tokens/create-api-token.js";
import { createTestDatabase } from "./test-database.js";
import { apiClient, startTestServer } from "./test-server.js";
import { createStaffedTeam, smallConfig } from "./tracking-fixtures.js";

const { store, db } = await createTestDatabase();

describe("20 parallel writers over HTTP", () => {
  it("all succeed: no SQLITE_BUSY reaches a caller and nothing is lost", async () => {
    const staff = await createStaffedTeam(store, "Concurrency");
    const project = await staff.member.project.create({ teamId: staff.team.id, name: "Parallel" });
    const token = await createApiToken(store, staff.people.admin, {
      teamId: staff.team.id,
      name: "load",
      kind: "user",
    });
    const server = await startTestServer(store);
    const client = apiClient(server.url, { authorization: `Bearer ${token.token}` });

    const writers = Array.from({ length: 20 }, (_, writer) =>
      (async () => {
        for (let i = 0; i < 5; i++) {
          const experiment = await client.experiment.create.mutate({
            projectId: project.id,
            name: `writer ${writer} experiment ${i}`,
            tags: [`writer-${writer}`],
            config: smallConfig({ seed: writer * 100 + i }),
          });
          await client.run.queue.mutate({ experimentId: experiment.id });
        }
      })(),
    );
    const outcomes = await Promise.allSettled(writers);
    const failures = outcomes.filter((outcome) => outcome.status === "rejected");
    expect(failures.map((failure) => String((failure as PromiseRejectedResult).reason))).toEqual([]);

    expect(await db.experiment.count({ where: { projectId: project.id } })).toBe(100);
    // One run queued at creation plus one queued explicitly, per experiment.
    expect(await db.run.count({ where: { experiment: { projectId: project.id } } })).toBe(200);
    // Every change a person made is in the audit log, none lost either.
    expect(await db.auditEntry.count({ where: { teamId: staff.team.id, action: "experiment.create" } })).toBe(100);
  });
});
