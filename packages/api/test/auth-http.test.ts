import { TRPCClientError } from "@trpc/client";
import { describe, expect, it } from "vitest";
import type { AppRouter } from "../src/root.js";
import { cookieFrom, postJson, signIn, signUp } from "./sign-in.js";
import { createTestDatabase } from "./test-database.js";
import { apiClient, startTestServer } from "./test-server.js";

const { store, db } = await createTestDatabase();
const server = await startTestServer(store);
const ada = { email: "ada@example.test", password: "correct horse battery", name: "Ada" };
// better-auth allows 3 sign-ins per 10 s per address: tests reuse this cookie instead of signing in again.
let adaCookie = "";

async function httpStatusOf(call: Promise<unknown>): Promise<number> {
  const error = await call.then(
    () => null,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(TRPCClientError);
  return (error as TRPCClientError<AppRouter>).data?.httpStatus ?? 0;
}

describe("session sign-in over HTTP", () => {
  it("signs up, and the session cookie reaches tRPC procedures", async () => {
    const cookie = await signUp(server.url, ada);
    adaCookie = cookie;
    const api = apiClient(server.url, { cookie });
    const me = await api.team.me.query();
    expect(me).toMatchObject({ email: ada.email, name: "Ada", token: null });
    const team = await api.team.create.mutate({ name: "Ada's lab" });
    expect(team.role).toBe("owner");
    // better-auth stored a password hash, never the password; no response carried either.
    const account = await db.account.findFirstOrThrow({ where: { user: { email: ada.email } } });
    expect(account.password).not.toContain(ada.password);
    expect(JSON.stringify(me)).not.toContain(account.password!);
  });

  it("signs in with the right password and gets a working cookie", async () => {
    const response = await signIn(server.url, ada.email, ada.password);
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    expect(JSON.stringify(body)).not.toMatch(/password/i);
    const cookie = cookieFrom(response);
    expect(response.headers.getSetCookie()[0]).toMatch(/HttpOnly/i);
    expect(await apiClient(server.url, { cookie }).team.listMine.query()).toEqual([
      expect.objectContaining({ name: "Ada's lab", role: "owner" }),
    ]);
  });

  it("keeps the session token in the HttpOnly cookie only, out of every response body", async () => {
    // Server-side, so it does not use up the sign-in allowance; the same endpoint as over HTTP.
    const signedIn = await server.auth.api.signInEmail({
      body: { email: ada.email, password: ada.password },
      asResponse: true,
    });
    const cookie = cookieFrom(signedIn);
    const stored = await db.session.findMany({ select: { token: true } });
    const signInBody = await signedIn.text();
    const session = await fetch(`${server.url}/api/auth/get-session`, { headers: { cookie } });
    expect(session.status).toBe(200);
    const sessionBody = await session.text();
    const parsed = JSON.parse(sessionBody) as { session: Record<string, unknown>; user: { email: string } };
    expect(parsed.user.email).toBe(ada.email);
    expect(parsed.session).not.toHaveProperty("token");
    expect(JSON.parse(signInBody)).toMatchObject({ token: null });
    for (const { token } of stored) {
      expect(signInBody).not.toContain(token);
      expect(sessionBody).not.toContain(token);
    }
    // The cookie still carries it, and works.
    expect((await apiClient(server.url, { cookie }).team.me.query()).email).toBe(ada.email);
  });

  it("refuses a wrong password and an unknown email alike, without a cookie", async () => {
    const wrong = await signIn(server.url, ada.email, "not the password");
    const unknown = await signIn(server.url, "nobody@example.test", "whatever123");
    for (const response of [wrong, unknown]) {
      expect(response.status).toBe(401);
      expect(response.headers.getSetCookie()).toEqual([]);
    }
    expect(await wrong.json()).toEqual(await unknown.json());
  });

  it("treats no cookie, a forged cookie and a signed-out cookie as signed out", async () => {
    expect(await httpStatusOf(apiClient(server.url).team.me.query())).toBe(401);
    const forged = "better-auth.session_token=made-up.signature";
    expect(await httpStatusOf(apiClient(server.url, { cookie: forged }).team.me.query())).toBe(401);

    // A fresh session made server-side (not over HTTP, so it does not use up the sign-in allowance).
    const cookie = cookieFrom(
      await server.auth.api.signInEmail({ body: { email: ada.email, password: ada.password }, asResponse: true }),
    );
    expect((await apiClient(server.url, { cookie }).team.me.query()).email).toBe(ada.email);
    expect((await postJson(`${server.url}/api/auth/sign-out`, {}, { cookie })).status).toBe(200);
    expect(await httpStatusOf(apiClient(server.url, { cookie }).team.me.query())).toBe(401);
  });

  it("refuses cookie-authenticated changes sent from another origin", async () => {
    const foreign = apiClient(server.url, { cookie: adaCookie, origin: "http://localhost:3000" });
    expect(await httpStatusOf(foreign.team.create.mutate({ name: "Forged" }))).toBe(403);
    const own = apiClient(server.url, { cookie: adaCookie, origin: new URL(server.url).origin });
    expect((await own.team.create.mutate({ name: "Mine" })).name).toBe("Mine");
    expect(await db.team.count({ where: { name: "Forged" } })).toBe(0);
  });

  it("refuses cookie-authenticated changes without an Origin unless the browser says same-origin", async () => {
    const mutate = (name: string, headers: Record<string, string>) =>
      postJson(`${server.url}/api/trpc/team.create`, { name }, { cookie: adaCookie, ...headers });
    const bare = await mutate("No origin", {});
    expect(bare.status).toBe(403);
    expect(((await bare.json()) as { error: { message: string } }).error.message).toMatch(
      /send an Origin header with the server's origin, or use an API token/,
    );
    expect((await mutate("Cross site", { "sec-fetch-site": "cross-site" })).status).toBe(403);
    expect((await mutate("Same site", { "sec-fetch-site": "same-site" })).status).toBe(403);
    expect(await db.team.count({ where: { name: { in: ["No origin", "Cross site", "Same site"] } } })).toBe(0);

    expect((await mutate("Fetched here", { "sec-fetch-site": "same-origin" })).status).toBe(200);
    // Reads need no Origin: they change nothing.
    const read = await fetch(`${server.url}/api/trpc/team.listMine`, { headers: { cookie: adaCookie } });
    expect(read.status).toBe(200);
  });

  it("names the bad field of a mutation in the message a client sees", async () => {
    const error = await apiClient(server.url, { cookie: adaCookie })
      .team.members.add.mutate({ teamId: "t", email: "not-an-email", role: "member" })
      .then(
        () => null,
        (thrown: unknown) => thrown as TRPCClientError<AppRouter>,
      );
    expect(error?.message).toMatch(/^invalid input: email: /);
    expect(error?.data?.httpStatus).toBe(400);
  });

  // Last: it exhausts this address's sign-in allowance for the next 10 s.
  it("rate-limits password guessing per client address", async () => {
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 4; attempt++) {
      statuses.push((await signIn(server.url, ada.email, `guess-${attempt}-xx`)).status);
    }
    expect(statuses).toContain(429);
    // Even the right password waits out the window: that is what stops guessing.
    expect((await signIn(server.url, ada.email, ada.password)).status).toBe(429);
  });
});
