import { AppError } from "../errors/app-error.js";
import { toTrpcError } from "../errors/error-mapping.js";
import type { ApiContext } from "./context.js";

/**
 * A subscription's updates as tRPC should stream them:
 * - they end when the client leaves (tRPC's request signal) or the server shuts down (the
 *   context's), whichever comes first, so open subscriptions never hold a closing server up;
 * - an AppError thrown while streaming (NOT_FOUND for a run the caller may not read, FORBIDDEN
 *   after losing the role) reaches the client as its own tRPC error. Left as it is, tRPC would send
 *   INTERNAL_SERVER_ERROR, which its clients take as a reason to reconnect forever.
 */
export async function* subscriptionStream<T>(
  ctx: ApiContext,
  request: AbortSignal | undefined,
  open: (signal: AbortSignal) => AsyncIterable<T>,
): AsyncGenerator<T, void, undefined> {
  const signals = [request, ctx.shutdown].filter((signal): signal is AbortSignal => signal !== undefined);
  const signal = signals.length === 0 ? new AbortController().signal : AbortSignal.any(signals);
  try {
    yield* open(signal);
  } catch (error) {
    throw error instanceof AppError ? toTrpcError(error) : error;
  }
}
