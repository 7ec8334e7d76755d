import { initTRPC } from "@trpc/server";
import { ZodError } from "zod";
import type { UserActor, WorkerActor } from "../access/actor.js";
import { AppError } from "../errors/app-error.js";
import { toTrpcError } from "../errors/error-mapping.js";
import type { ApiContext } from "./context.js";

const t = initTRPC.context<ApiContext>().create({
  // Never send stack traces to clients, whatever NODE_ENV says.
  isDev: false,
  // Live subscriptions (run.watch, project.watch) over server-sent events: a comment every 10 s keeps
  // proxies from closing a quiet stream, and a client that hears nothing for 25 s reconnects.
  sse: { ping: { enabled: true, intervalMs: 10_000 }, client: { reconnectAfterInactivityMs: 25_000 } },
  errorFormatter({ shape, error }) {
    const cause = error.cause;
    if (cause instanceof ZodError) {
      // "experiment.config.model.hidden[1]: Too small: expected number to be >0" rather than raw JSON.
      const fields = cause.issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`);
      return {
        ...shape,
        message: `invalid input: ${fields.join("; ")}`,
        data: {
          ...shape.data,
          fields: cause.issues.map((issue) => formatPath(issue.path)),
          // Per field, for forms that show each message beside its input.
          issues: cause.issues.map((issue) => ({ field: formatPath(issue.path), message: issue.message })),
        },
      };
    }
    if (cause instanceof AppError) {
      return {
        ...shape,
        data: {
          ...shape.data,
          appCode: cause.code,
          field: cause.field ?? null,
          ...(cause.issues.length === 0 ? {} : { issues: cause.issues }),
        },
      };
    }
    return shape;
  },
});

function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return "(input)";
  return path
    .map((part, i) => (typeof part === "number" ? `[${part}]` : `${i === 0 ? "" : "."}${String(part)}`))
    .join("");
}

/** AppError thrown by business code becomes the matching tRPC error: the one place this happens. */
const mapAppErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof AppError) throw toTrpcError(result.error.cause);
  return result;
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

export const publicProcedure = t.procedure.use(mapAppErrors);

/** A signed-in person (session cookie or user API token). */
export const userProcedure = publicProcedure.use(({ ctx, next }) => {
  if (ctx.actor.kind === "anonymous") {
    throw toTrpcError(new AppError("UNAUTHORIZED", "sign in, or send an API token as 'Authorization: Bearer <token>'"));
  }
  if (ctx.actor.kind === "worker") {
    throw toTrpcError(new AppError("FORBIDDEN", "worker tokens can only claim and report runs"));
  }
  return next({ ctx: { ...ctx, actor: ctx.actor as UserActor } });
});

/** A worker token: claims and reports its team's runs, nothing else. */
export const workerProcedure = publicProcedure.use(({ ctx, next }) => {
  if (ctx.actor.kind !== "worker") {
    throw toTrpcError(new AppError("FORBIDDEN", "only worker tokens may claim and report runs"));
  }
  return next({ ctx: { ...ctx, actor: ctx.actor as WorkerActor } });
});
