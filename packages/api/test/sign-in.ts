import { expect } from "vitest";

/** The Cookie header value carrying the cookies a response set. */
export function cookieFrom(response: Response): string {
  return response.headers
    .getSetCookie()
    .map((cookie) => cookie.split(";")[0]!)
    .join("; ");
}

export function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
}

/** Signs up over HTTP and returns the session cookie better-auth set. */
export async function signUp(url: string, person: { email: string; password: string; name: string }) {
  const response = await postJson(`${url}/api/auth/sign-up/email`, person);
  expect(response.status, await response.clone().text()).toBe(200);
  const cookie = cookieFrom(response);
  expect(cookie).toMatch(/session_token=/);
  return cookie;
}

/** Signs in over HTTP; the response is returned whatever its status. */
export function signIn(url: string, email: string, password: string): Promise<Response> {
  return postJson(`${url}/api/auth/sign-in/email`, { email, password });
}
