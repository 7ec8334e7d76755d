import { networkInterfaces } from "node:os";
import { describe, expect, it } from "vitest";
import { admitRequest, isLoopbackHost, isOpenToAnonymous } from "../src/http/request-admission.js";
import { cookieFrom, postJson } from "./sign-in.js";
import { createTestDatabase } from "./test-database.js";
import { startTestServer } from "./test-server.js";

const { store } = await createTestDatabase();

describe("the admission rule", () => {
  it("tells loopback addresses from network ones", () => {
    for (const host of ["127.0.0.1", "127.1.2.3", "localhost", "::1", "[::1]", "::ffff:127.0.0.1"]) {
      expect(isLoopbackHost(host), host).toBe(true);
    }
    for (const host of ["0.0.0.0", "::", "192.168.1.20", "10.0.0.1", "example.com", "128.0.0.1", "::ffff:10.0.0.1"]) {
      expect(isLoopbackHost(host), host).toBe(false);
    }
  });

  it("lets anonymous requests through on loopback but only sign-in, sign-up and health on the network", () => {
    const anonymous = { kind: "anonymous" } as const;
    const user = { kind: "user", userId: "u" } as const;
    expect(admitRequest({ exposure: "loopback", actor: anonymous, method: "GET", pathname: "/api/trpc/team.me" })).toBe(
      null,
    );
    expect(admitRequest({ exposure: "network", actor: user, method: "POST", pathname: "/api/trpc/team.create" })).toBe(
      null,
    );
    expect(
      admitRequest({ exposure: "network", actor: anonymous, method: "GET", pathname: "/api/trpc/team.me" })?.code,
    ).toBe("UNAUTHORIZED");
    expect(isOpenToAnonymous("POST", "/api/auth/sign-in/email")).toBe(true);
    expect(isOpenToAnonymous("POST", "/api/auth/sign-up/email/")).toBe(true);
    expect(isOpenToAnonymous("GET", "/healthz")).toBe(true);
    expect(isOpenToAnonymous("GET", "/api/auth/sign-in/email")).toBe(false);
    expect(isOpenToAnonymous("POST", "/api/auth/get-session")).toBe(false);
    expect(isOpenToAnonymous("GET", "/api/auth/get-session")).toBe(false);
    expect(isOpenToAnonymous("GET", "/api/artifacts/x")).toBe(false);
  });
});

describe("a server bound to 0.0.0.0", async () => {
  // Open sign-up (the network default is invite-only, tested in sign-up-policy.test.ts): this is about the door.
  const server = await startTestServer(store, { host: "0.0.0.0", signUp: "open" });
  const port = new URL(server.url).port;
  // Reach it the way another machine would: through a non-loopback interface address, if there is one.
  const lanAddress = Object.values(networkInterfaces())
    .flat()
    .find((a) => a !== undefined && a.family === "IPv4" && !a.internal)?.address;
  const base = `http://${lanAddress ?? "127.0.0.1"}:${port}`;

  it("is network-exposed", () => {
    expect(server.exposure).toBe("network");
  });

  it("answers 401 to anonymous requests everywhere but health, sign-up and sign-in", async () => {
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    for (const [method, path] of [
      ["GET", "/api/trpc/team.listMine"],
      ["POST", "/api/trpc/team.create"],
      ["GET", "/api/auth/get-session"],
      ["POST", "/api/auth/sign-out"],
      ["GET", "/api/artifacts/some-id"],
      ["PUT", "/api/artifacts/upload"],
      ["GET", "/anything-else"],
    ] as const) {
      const response = await fetch(`${base}${path}`, {
        method,
        ...(method === "GET" ? {} : { headers: { "content-type": "application/json" }, body: "{}" }),
      });
      expect(response.status, `${method} ${path}`).toBe(401);
      // tRPC answers in its own shape (the code under data); every other route as { error: { code } }.
      const { error } = (await response.json()) as { error: { code: unknown; data?: { code: string } } };
      expect(error.data?.code ?? error.code, `${method} ${path}`).toBe("UNAUTHORIZED");
    }
  });

  it("admits a signed-up person with their cookie", async () => {
    const signedUp = await postJson(`${base}/api/auth/sign-up/email`, {
      email: "remote@example.test",
      password: "remote-password",
      name: "Remote",
    });
    expect(signedUp.status).toBe(200);
    const cookie = cookieFrom(signedUp);
    const me = await fetch(`${base}/api/trpc/team.me`, { headers: { cookie } });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { result: { data: { email: string } } }).result.data.email).toBe(
      "remote@example.test",
    );
    // Past the door, the artifact route itself answers: no such artifact for this person.
    const artifact = await fetch(`${base}/api/artifacts/some-id`, { headers: { cookie } });
    expect(artifact.status).toBe(404);
    expect(((await artifact.json()) as { error: { message: string } }).error.message).toContain("some-id");

    const signIn = await postJson(`${base}/api/auth/sign-in/email`, {
      email: "remote@example.test",
      password: "remote-password",
    });
    expect(signIn.status).toBe(200);
  });
});

describe("a server bound to 127.0.0.1", async () => {
  const server = await startTestServer(store);

  it("lets anonymous requests reach the routes, whose own checks still apply", async () => {
    expect(server.exposure).toBe("loopback");
    const session = await fetch(`${server.url}/api/auth/get-session`);
    expect(session.status).toBe(200);
    expect(await session.json()).toBeNull();
    const me = await fetch(`${server.url}/api/trpc/team.me`);
    expect(me.status).toBe(401);
    // The artifact route's own check: downloads need a signed-in person or a token.
    const artifacts = await fetch(`${server.url}/api/artifacts/x`);
    expect(artifacts.status).toBe(401);
    expect(((await artifacts.json()) as { error: { message: string } }).error.message).toMatch(/^sign in/);
  });
});
