import type { Db } from "@deadweight/db";
import type { Actor } from "../access/actor.js";
import type { Auth } from "../auth/create-auth.js";
import { resolveActor } from "../auth/resolve-actor.js";
import { AppError } from "../errors/app-error.js";
import { appRouter } from "../root.js";
import { createCallerFactory } from "../trpc/trpc.js";

const createAppCaller = createCallerFactory(appRouter);

/** The whole API called in-process, as the person (or anonymous) a page request came from. */
export type AppCaller = ReturnType<typeof createAppCaller>;

export interface PageSession {
  readonly actor: Actor;
  readonly caller: AppCaller;
}

/**
 * For server-rendered pages: resolves who sent a request from its headers (session cookie or
 * bearer token, exactly as the HTTP API does) and hands back a caller acting as them. Credentials
 * that are presented but invalid count as anonymous: the page then asks to sign in.
 */
export function createPageCallerResolver(deps: { readonly db: Db; readonly auth: Auth }) {
  return async (headers: Headers): Promise<PageSession> => {
    let actor: Actor;
    try {
      actor = await resolveActor(headers, deps);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      actor = { kind: "anonymous" };
    }
    return { actor, caller: createAppCaller({ db: deps.db, actor }) };
  };
}

export type PageCallerResolver = ReturnType<typeof createPageCallerResolver>;
