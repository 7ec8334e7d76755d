import type { Actor } from "../access/actor.js";
import { AppError } from "../errors/app-error.js";
import type { Store } from "../store/store.js";
import { resolveApiToken } from "./api-tokens.js";
import type { Auth } from "./create-auth.js";

export interface ResolveActorDeps {
  readonly store: Store;
  readonly auth: Auth;
}

/**
 * Who sent this request: the owner of an `Authorization: Bearer <API token>`, else the person of a
 * better-auth session cookie, else anonymous. An Authorization header that is malformed, unknown or
 * revoked fails with UNAUTHORIZED rather than falling back to the cookie or to anonymous.
 */
export async function resolveActor(headers: Headers, deps: ResolveActorDeps): Promise<Actor> {
  const authorization = headers.get("authorization");
  if (authorization !== null) return actorOfAuthorization(authorization, deps.store);
  const session = await deps.auth.api.getSession({ headers });
  if (session === null) return { kind: "anonymous" };
  return { kind: "user", userId: session.user.id };
}

/** The owner of an Authorization header's value ("Bearer <API token>"); UNAUTHORIZED when malformed, unknown or revoked. */
export async function actorOfAuthorization(authorization: string, store: Store): Promise<Actor> {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  if (match === null) {
    throw new AppError("UNAUTHORIZED", "the Authorization header must be 'Bearer <API token>'");
  }
  return resolveApiToken(store, match[1]!);
}
