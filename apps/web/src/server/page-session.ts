import type { AppRouter } from "@deadweight/api";
import { createTRPCClient, httpBatchLink, httpLink, splitLink, TRPCClientError } from "@trpc/client";
import { headers } from "next/headers";
import { notFound, redirect } from "next/navigation";
import { cache } from "react";
import { apiUrl } from "./env";
import { sharedReadsLink } from "./shared-reads-link";

/** The API as a page request's sender: the same tRPC routes the browser calls, over HTTP. */
export type PageApi = ReturnType<typeof createTRPCClient<AppRouter>>;

export interface SignedInPage {
  /** Who asked for the page. */
  readonly me: { readonly id: string; readonly name: string; readonly email: string };
  /** The API, called as the person who asked for the page (their cookie or token goes along). */
  readonly api: PageApi;
}

/**
 * The client of the API that presents the page request's credentials: one per request (React's
 * `cache`), shared by the layout and the page, so their reads made in the same tick travel in one
 * batched request and a read both ask for (the sign-in check, the project, the teams) is sent once.
 * A page used to send four requests to the API, each checking the session anew.
 */
const pageApi = cache(async (): Promise<PageApi> => {
  // headers() first: it marks the page as rendered per request, never prerendered at build time.
  const incoming = await headers();
  const credentials: Record<string, string> = {};
  for (const name of ["cookie", "authorization"]) {
    const value = incoming.get(name);
    if (value !== null) credentials[name] = value;
  }
  const url = `${apiUrl()}/api/trpc`;
  return createTRPCClient<AppRouter>({
    links: [
      sharedReadsLink<AppRouter>(),
      splitLink({
        // Up to 200 run ids (~7 KB) do not fit a batched GET's 4 KB: compare goes alone, as a plain GET.
        condition: (op) => op.path === "compare.runs",
        true: httpLink({ url, headers: credentials }),
        false: httpBatchLink({ url, headers: credentials, maxURLLength: 4_000 }),
      }),
    ],
  });
});

/** The signed-in person behind this page request; anyone else is sent to the sign-in page. */
export async function signedInPage(): Promise<SignedInPage> {
  const api = await pageApi();
  try {
    const me = await api.team.me.query();
    return { me, api };
  } catch (error) {
    if (isCode(error, "UNAUTHORIZED")) redirect("/sign-in");
    throw error;
  }
}

/**
 * signedInPage and the page's first reads in one go: `load` starts in the same tick as the sign-in
 * check, so both travel in one batched request to the API instead of one after the other (a page's
 * serial round trips to the API were a third of its server time). A refused sign-in still sends the
 * visitor to the sign-in page; `load`'s own failure (a 404, say) is thrown only after that check.
 */
export async function signedInPageLoading<T>(load: (api: PageApi) => Promise<T>): Promise<SignedInPage & { data: T }> {
  const api = await pageApi();
  const me = api.team.me.query();
  const data = load(api);
  // Awaited below, after the sign-in check; until then its failure must not count as unhandled.
  data.catch(() => undefined);
  try {
    await me;
  } catch (error) {
    if (isCode(error, "UNAUTHORIZED")) redirect("/sign-in");
    throw error;
  }
  return { me: await me, api, data: await data };
}

/** Whether the request comes from someone signed in (for pages that anonymous people may see). */
export async function isSignedIn(): Promise<boolean> {
  try {
    await (await pageApi()).team.me.query();
    return true;
  } catch (error) {
    if (isCode(error, "UNAUTHORIZED")) return false;
    throw error;
  }
}

/** An API answer for a page, or the 404 page when the object does not exist for this person (another team's, say). */
export async function orNotFound<T>(answer: Promise<T>): Promise<T> {
  try {
    return await answer;
  } catch (error) {
    if (isCode(error, "NOT_FOUND")) notFound();
    throw error;
  }
}

function isCode(error: unknown, code: string): boolean {
  return error instanceof TRPCClientError && (error.data as { code?: string } | undefined)?.code === code;
}
