import { createTRPCClient, localLink, TRPCClientError } from "@trpc/client";
import { initTRPC, TRPCError } from "@trpc/server";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { sharedReadsLink } from "../src/server/shared-reads-link";

// A page request's client: the layout and the page ask some reads twice; the API must see them once.
function countingApi() {
  const calls: string[] = [];
  const t = initTRPC.create();
  const router = t.router({
    project: t.procedure.input(z.object({ id: z.string() })).query(({ input }) => {
      calls.push(`project ${input.id}`);
      return { id: input.id, name: `project ${input.id}` };
    }),
    missing: t.procedure.query(() => {
      calls.push("missing");
      throw new TRPCError({ code: "NOT_FOUND", message: "no such project" });
    }),
    rename: t.procedure.input(z.string()).mutation(({ input }) => {
      calls.push(`rename ${input}`);
      return input;
    }),
  });
  const client = createTRPCClient<typeof router>({
    links: [sharedReadsLink<typeof router>(), localLink({ router, createContext: async () => ({}) })],
  });
  return { client, calls };
}

describe("sharedReadsLink", () => {
  it("sends a query asked again with the same input once, and gives every caller its answer", async () => {
    const { client, calls } = countingApi();
    const [first, second] = await Promise.all([client.project.query({ id: "a" }), client.project.query({ id: "a" })]);
    const later = await client.project.query({ id: "a" });
    expect(calls).toEqual(["project a"]);
    expect([first, second, later]).toEqual([
      { id: "a", name: "project a" },
      { id: "a", name: "project a" },
      { id: "a", name: "project a" },
    ]);
  });

  it("sends a query with another input, and every mutation, on its own", async () => {
    const { client, calls } = countingApi();
    await client.project.query({ id: "a" });
    await client.project.query({ id: "b" });
    await client.rename.mutate("x");
    await client.rename.mutate("x");
    expect(calls).toEqual(["project a", "project b", "rename x", "rename x"]);
  });

  it("gives every caller of a failed query the API's error, asking once", async () => {
    const { client, calls } = countingApi();
    const answers = await Promise.allSettled([client.missing.query(), client.missing.query()]);
    expect(calls).toEqual(["missing"]);
    for (const answer of answers) {
      expect(answer.status).toBe("rejected");
      const error = (answer as PromiseRejectedResult).reason;
      expect(error).toBeInstanceOf(TRPCClientError);
      expect((error as TRPCClientError<never>).message).toBe("no such project");
    }
  });
});
