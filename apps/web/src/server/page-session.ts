import type { AppCaller, UserActor } from "@deadweight/api";
import { TRPCError } from "@trpc/server";
import { headers } from "next/headers";
import { notFound, redirect } from "next/navigation";
import { dashboardHost } from "./dashboard-host";

export interface SignedInPage {
  readonly actor: UserActor;
  /** The API, called in-process as the person who asked for the page. */
  readonly api: AppCaller;
}

/** The signed-in person behind this page request; anyone else is sent to the sign-in page. */
export async function signedInPage(): Promise<SignedInPage> {
  // headers() first: it marks the page as rendered per request, never prerendered at build time.
  const requestHeaders = new Headers(await headers());
  const session = await dashboardHost().sessionFor(requestHeaders);
  if (session.actor.kind !== "user") redirect("/sign-in");
  return { actor: session.actor, api: session.caller };
}

/** Whether the request comes from someone signed in (for pages that anonymous people may see). */
export async function isSignedIn(): Promise<boolean> {
  // headers() first: it marks the page as rendered per request, never prerendered at build time.
  const requestHeaders = new Headers(await headers());
  const session = await dashboardHost().sessionFor(requestHeaders);
  return session.actor.kind === "user";
}

/** An API answer for a page, or the 404 page when the object does not exist for this person (another team's, say). */
export async function orNotFound<T>(answer: Promise<T>): Promise<T> {
  try {
    return await answer;
  } catch (error) {
    if (error instanceof TRPCError && error.code === "NOT_FOUND") notFound();
    throw error;
  }
}
