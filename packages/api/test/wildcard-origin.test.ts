import { describe, expect, it } from "vitest";
import { cookieFrom, postJson } from "./sign-in.js";
import { createTestDatabase } from "./test-database.js";
import { startTestServer } from "./test-server.js";

const { store, db } = await createTestDatabase();
const person = (email: string) => ({ email, password: "correct horse battery", name: "Lin" });

describe("a server bound to 0.0.0.0 without a public URL", () => {
  it("refuses a browser's sign-up at http://127.0.0.1:<port> and says to set DEADWEIGHT_PUBLIC_URL", async () => {
    const server = await startTestServer(store, { host: "0.0.0.0", signUp: "open", authRateLimit: false });
    const local = `http://127.0.0.1:${new URL(server.url).port}`;
    const refused = await postJson(`${local}/api/auth/sign-up/email`, person("lin@example.test"), { origin: local });
    expect(refused.status).toBe(403);
    const { error } = (await refused.json()) as { error: { message: string } };
    expect(error.message).toContain(`requests from ${local} are not accepted`);
    expect(error.message).toMatch(/set DEADWEIGHT_PUBLIC_URL to it.*or DEADWEIGHT_TRUST_HOST_ORIGIN=on/);
    expect(await db.user.count({ where: { email: "lin@example.test" } })).toBe(0);
  });

  it("with trustHostOrigin, trusts the origin of the Host a browser used, and no other", async () => {
    const server = await startTestServer(store, {
      host: "0.0.0.0",
      signUp: "open",
      authRateLimit: false,
      trustHostOrigin: true,
    });
    const local = `http://127.0.0.1:${new URL(server.url).port}`;
    const signedUp = await postJson(`${local}/api/auth/sign-up/email`, person("mo@example.test"), { origin: local });
    expect(signedUp.status, await signedUp.clone().text()).toBe(200);
    const cookie = cookieFrom(signedUp);

    const created = await postJson(`${local}/api/trpc/team.create`, { name: "Mo's lab" }, { cookie, origin: local });
    expect(created.status, await created.clone().text()).toBe(200);
    const forged = await postJson(
      `${local}/api/trpc/team.create`,
      { name: "Forged" },
      { cookie, origin: "http://evil.example" },
    );
    expect(forged.status).toBe(403);
    const foreignSignUp = await postJson(`${local}/api/auth/sign-up/email`, person("eve@example.test"), {
      origin: "http://evil.example",
    });
    expect(foreignSignUp.status).toBe(403);
    expect(await db.team.count({ where: { name: "Forged" } })).toBe(0);
  });

  it("does not trust the Host's origin on a server bound to one address", async () => {
    const server = await startTestServer(store, { signUp: "open", authRateLimit: false, trustHostOrigin: true });
    const other = `http://localhost:${new URL(server.url).port}`;
    const refused = await postJson(`${other}/api/auth/sign-up/email`, person("kai@example.test"), { origin: other });
    expect(refused.status).toBe(403);
  });
});
