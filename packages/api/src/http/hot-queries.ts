import type { Actor } from "../access/actor.js";
import { appRouter } from "../root.js";
import type { Store } from "../store/store.js";
import { createCallerFactory } from "../trpc/trpc.js";

const createCaller = createCallerFactory(appRouter);
type Caller = ReturnType<typeof createCaller>;

/**
 * The three reads every dashboard and benchmark client hammers, by their tRPC path. Plain GETs of
 * them (`/api/trpc/<path>?input=...`, not batched) are answered by calling the procedure through
 * tRPC's public server-side caller and writing tRPC's own success envelope, `{"result":{"data":...}}`,
 * as bytes; anything else, and every failure, goes through tRPC's fetch adapter.
 *
 * Why this exists (bench:api on this 2-core machine, 20 clients, 1,000 runs x 30 rows, steady state,
 * three runs each on 2026-12-02): through the adapter, server CPU per request was 3.6-4.2 ms for a
 * 20-run compare (p95 121-182 ms, target 100) and 1.3-1.4 ms for a list page (p95 41-48 ms); with
 * this route 1.3-1.7 ms (p95 59-63 ms) and 1.15-1.2 ms (p95 39-46 ms). A CPU profile put most of the
 * difference in writing the 100 KB compare answer: the adapter's Response carries a string that the
 * node bridge measures and encodes again for the socket; here it is encoded once into a Buffer.
 * The answers are byte-identical to the adapter's (test/hot-queries.test.ts).
 */
const HOT_QUERIES: Readonly<Record<string, (caller: Caller, input: unknown) => Promise<unknown>>> = {
  "experiment.list": (caller, input) => caller.experiment.list(input as Parameters<Caller["experiment"]["list"]>[0]),
  "result.rows": (caller, input) => caller.result.rows(input as Parameters<Caller["result"]["rows"]>[0]),
  "compare.runs": (caller, input) => caller.compare.runs(input as Parameters<Caller["compare"]["runs"]>[0]),
};

/** The tRPC paths answered here (see HOT_QUERIES). */
export const HOT_QUERY_PATHS: readonly string[] = Object.keys(HOT_QUERIES);

/**
 * The answer to a plain GET of a hot query, or null when it must go through tRPC's adapter (a batch,
 * unreadable input, or any error: the adapter formats errors, and a query can be asked again).
 */
export async function answerHotQuery(
  path: string,
  url: URL,
  context: { readonly store: Store; readonly actor: Actor },
): Promise<Response | null> {
  const query = HOT_QUERIES[path];
  if (query === undefined || url.searchParams.has("batch")) return null;
  let input: unknown;
  try {
    const text = url.searchParams.get("input");
    input = text === null ? undefined : JSON.parse(text);
  } catch {
    return null;
  }
  let data: unknown;
  try {
    data = await query(createCaller(context), input);
  } catch {
    return null;
  }
  return new Response(Buffer.from(JSON.stringify({ result: { data } })), {
    status: 200,
    headers: { "content-type": "application/json", vary: "trpc-accept, accept" },
  });
}
