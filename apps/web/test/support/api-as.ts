import type { AppRouter } from "@deadweight/api";
import { createTRPCClient, httpLink } from "@trpc/client";

/** The API over HTTP with a bearer token, as the CLI uses it: for arranging and checking what the browser shows. */
export function apiAs(baseUrl: string, token: string) {
  return createTRPCClient<AppRouter>({
    links: [httpLink({ url: `${baseUrl}/api/trpc`, headers: { authorization: `Bearer ${token}` } })],
  });
}

/** Creates an account through the server's open sign-up route. */
export async function signUp(
  baseUrl: string,
  account: { email: string; password: string; name: string },
): Promise<void> {
  const response = await fetch(`${baseUrl}/api/auth/sign-up/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: baseUrl },
    body: JSON.stringify(account),
  });
  if (!response.ok)
    throw new Error(`sign-up of ${account.email} failed: HTTP ${response.status} ${await response.text()}`);
}
