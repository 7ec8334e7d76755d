import { TRPCError } from "@trpc/server";
import { AppError, type AppErrorCode } from "./app-error.js";

const TRPC_CODES: Record<AppErrorCode, TRPCError["code"]> = {
  BAD_REQUEST: "BAD_REQUEST",
  UNAUTHORIZED: "UNAUTHORIZED",
  FORBIDDEN: "FORBIDDEN",
  NOT_FOUND: "NOT_FOUND",
  CONFLICT: "CONFLICT",
  PAYLOAD_TOO_LARGE: "PAYLOAD_TOO_LARGE",
  INTERNAL: "INTERNAL_SERVER_ERROR",
};

const HTTP_STATUSES: Record<AppErrorCode, number> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  INTERNAL: 500,
};

/** The tRPC error for an AppError (the only place this mapping is made for tRPC). */
export function toTrpcError(error: AppError): TRPCError {
  return new TRPCError({ code: TRPC_CODES[error.code], message: error.message, cause: error });
}

/** The HTTP status for an AppError, for the plain HTTP routes beside tRPC. */
export function httpStatusOf(error: AppError): number {
  return HTTP_STATUSES[error.code];
}

/** Any thrown value as an AppError: unknown failures become INTERNAL without leaking their details. */
export function asAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  return new AppError("INTERNAL", "an internal error occurred; see the server log");
}
