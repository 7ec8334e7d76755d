import { AppError } from "../errors/app-error.js";
import { asAppError, httpStatusOf } from "../errors/error-mapping.js";

/** The body every non-tRPC error gets: `{ error: { code, message, field? } }`. */
export function errorResponse(error: AppError): Response {
  const headers: Record<string, string> = { "content-type": "application/json", "x-content-type-options": "nosniff" };
  if (error.code === "UNAUTHORIZED") headers["www-authenticate"] = 'Bearer realm="deadweight"';
  const body = { error: { code: error.code, message: error.message, ...(error.field ? { field: error.field } : {}) } };
  return new Response(JSON.stringify(body), { status: httpStatusOf(error), headers });
}

/**
 * Any failure of a plain HTTP route (artifacts, datasets) as its error response: an AppError as it
 * is; anything else INTERNAL, its cause logged under `route` (the client only learns that an
 * internal error occurred).
 */
export function failureResponse(error: unknown, route: string): Response {
  if (!(error instanceof AppError)) console.error(`${route} failed:`, error);
  return errorResponse(asAppError(error));
}

/** 405 naming the methods the route takes (also in Allow). */
export function methodNotAllowed(method: string, allowed: string): Response {
  return Response.json(
    { error: { code: "METHOD_NOT_ALLOWED", message: `${method} is not allowed here; use ${allowed}` } },
    { status: 405, headers: { allow: allowed, "x-content-type-options": "nosniff" } },
  );
}
