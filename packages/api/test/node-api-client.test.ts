import { TRPCClientError } from "@trpc/client";
import { describe, expect, it } from "vitest";
import { createNodeApiClient } from "../src/client/node-api-client.js";
import { createApiToken } from "../src/domain/api-tokens/create-api-token.js";
import { Received } from "./live-client.js";
import { createQueueTeam } from "./queue-fixtures.js";
import { signUp } from "./sign-in.js";
import { createTestDatabase } from "./test-database.js";
import { startTestServer } from "./test-server.js";

// The shared Node client (@deadweight/api/node-client) against the real HTTP server: credentials on
// calls and on event streams, and how many requests its two request modes make.

const { store } = await createTestDatabase();
const server = await startTestServer(store);

/** A fetch that counts the requests it sends (then sends them for real). */
function countingFetch() {
  const requests: string[] = [];
  const counted: typeof fetch = (input, init) => {
    requests.push(String(input instanceof Request ? input.url : input));
    return fetch(input, init);
  };
  return { requests, counted };
}

function firstProjectUpdate(client: ReturnType<typeof createNodeApiClient>, projectId: string) {
  const received = new Received<unknown>();
  const subscription = client.project.watch.subscribe(
    { projectId },
    { onData: (update) => received.push(update.data), onError: received.fail },
  );
  return received.until(() => true, "the first project update").finally(() => subscription.unsubscribe());
}

describe("createNodeApiClient", () => {
  it("presents a session cookie on calls, changes (with the server's Origin) and event streams", async () => {
    const cookie = await signUp(server.url, { email: "node@example.test", password: "node client pass", name: "Node" });
    const api = createNodeApiClient({ serverUrl: server.url, credentials: { cookie } });
    expect(await api.team.me.query()).toMatchObject({ email: "node@example.test" });
    const team = await api.team.create.mutate({ name: "Node's lab" });
    const project = await api.project.create.mutate({ teamId: team.id, name: "Node project" });
    expect(await firstProjectUpdate(api, project.id)).toEqual({ runIds: [] });

    // Without the cookie the same stream is refused: the one above was authenticated by it.
    const anonymous = createNodeApiClient({ serverUrl: server.url, credentials: { cookie: "" } });
    const refused = await firstProjectUpdate(anonymous, project.id).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(Error);
    expect(String(refused)).toMatch(/UNAUTHORIZED|sign in|401/i);
  });

  it("presents a token; one request per call by default, calls made together batched when asked", async () => {
    const team = await createQueueTeam(store, "Node tokens");
    const token = await createApiToken(store, team.people.admin, { teamId: team.team.id, name: "node", kind: "user" });
    const alone = countingFetch();
    const separate = createNodeApiClient({
      serverUrl: server.url,
      credentials: { token: token.token },
      fetch: alone.counted,
    });
    await Promise.all([separate.team.me.query(), separate.team.listMine.query()]);
    expect(alone.requests.map((url) => new URL(url).pathname).sort()).toEqual([
      "/api/trpc/team.listMine",
      "/api/trpc/team.me",
    ]);

    const together = countingFetch();
    const batched = createNodeApiClient({
      serverUrl: server.url,
      credentials: { token: token.token },
      fetch: together.counted,
      requests: "batched",
    });
    const [me, teams] = await Promise.all([batched.team.me.query(), batched.team.listMine.query()]);
    expect(me.token).not.toBeNull();
    expect(teams.map((own) => own.id)).toEqual([team.team.id]);
    expect(together.requests.map((url) => new URL(url).pathname)).toEqual(["/api/trpc/team.me,team.listMine"]);

    const wrong = createNodeApiClient({ serverUrl: server.url, credentials: { token: "dw_not-valid" } });
    const error = await wrong.team.me.query().catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(TRPCClientError);
    expect((error as TRPCClientError<never>).data).toMatchObject({ code: "UNAUTHORIZED" });
  });
});
