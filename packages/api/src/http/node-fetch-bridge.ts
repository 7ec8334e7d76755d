import type { IncomingMessage, ServerResponse } from "node:http";

const BODYLESS_METHODS = new Set(["GET", "HEAD"]);

export interface FetchRequestOptions {
  /** The server's own origin ("http://127.0.0.1:4100"): request URLs are built on it, never on the Host header. */
  readonly origin: string;
  /** Headers the server sets itself, replacing any value a client sent. */
  readonly trustedHeaders?: Readonly<Record<string, string>>;
  /** Aborted when the client goes away, so handlers can stop streaming. */
  readonly signal?: AbortSignal;
}

/** A fetch Request for a node request; the body is streamed, not buffered (uploads can be large). */
export function toFetchRequest(incoming: IncomingMessage, options: FetchRequestOptions): Request {
  const headers = toFetchHeaders(incoming);
  for (const [name, value] of Object.entries(options.trustedHeaders ?? {})) headers.set(name, value);
  const method = (incoming.method ?? "GET").toUpperCase();
  const init: RequestInit & { duplex?: "half" } = { method, headers };
  if (options.signal !== undefined) init.signal = options.signal;
  if (!BODYLESS_METHODS.has(method)) {
    init.body = requestBodyStream(incoming);
    // Required by Node's fetch for a streamed request body.
    init.duplex = "half";
  }
  return new Request(`${options.origin}${pathAndQuery(incoming.url)}`, init);
}

/** The request's headers as fetch Headers (repeated headers joined as Headers joins them). */
export function toFetchHeaders(incoming: IncomingMessage): Headers {
  const headers = new Headers();
  const raw = incoming.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) headers.append(raw[i]!, raw[i + 1]!);
  return headers;
}

/**
 * One header of a node request exactly as `toFetchHeaders(incoming).get(name)` would give it
 * (every occurrence, trimmed, joined with ", "; null when absent), without building the Headers.
 * `name` must be lower case.
 */
export function fetchHeaderValue(incoming: IncomingMessage, name: string): string | null {
  const raw = incoming.rawHeaders;
  let value: string | null = null;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if (raw[i]!.length !== name.length || raw[i]!.toLowerCase() !== name) continue;
    const occurrence = raw[i + 1]!.replace(HTTP_WHITESPACE_AROUND, "");
    value = value === null ? occurrence : `${value}, ${occurrence}`;
  }
  return value;
}

// What Headers strips from both ends of a value.
const HTTP_WHITESPACE_AROUND = /^[\t\n\r ]+|[\t\n\r ]+$/g;

// Only the path and query of the request target are used: an absolute-form target
// ("GET http://elsewhere/x") or a "//host/x" path must not change the URL's origin.
function pathAndQuery(target: string | undefined): string {
  if (target === undefined || target === "") return "/";
  if (target.startsWith("/")) return target;
  try {
    const url = new URL(target);
    return `${url.pathname}${url.search}`;
  } catch {
    return `/${target}`;
  }
}

/**
 * The request body as a pull-based web stream: nothing is read from the socket until the handler
 * asks, so a slow consumer slows the client down instead of filling memory. Unlike Readable.toWeb,
 * it leaves no listener behind when the handler stops reading, so the server can discard the rest
 * (see discardUnreadBody) without buffering it anywhere.
 */
function requestBodyStream(incoming: IncomingMessage): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        return new Promise<void>((resolve) => {
          const finish = (action: () => void) => {
            incoming.off("readable", tryRead);
            incoming.off("end", onEnd);
            incoming.off("error", onError);
            action();
            resolve();
          };
          const tryRead = () => {
            const chunk = incoming.read() as Buffer | null;
            if (chunk !== null)
              finish(() => controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length)));
          };
          const onEnd = () => finish(() => controller.close());
          const onError = (error: Error) => finish(() => controller.error(error));
          incoming.on("readable", tryRead);
          incoming.once("end", onEnd);
          incoming.once("error", onError);
          if (incoming.readableEnded) onEnd();
          else tryRead();
        });
      },
    },
    { highWaterMark: 0 },
  );
}

/**
 * After the response: throws away whatever of the request body the handler did not read (an upload
 * refused early with 413), so the client sees the answer instead of a reset connection and the
 * keep-alive connection stays usable. A client still sending after `patienceMs` is cut off.
 */
export function discardUnreadBody(incoming: IncomingMessage, patienceMs = 10_000): void {
  if (incoming.complete || incoming.destroyed) return;
  const cutOff = setTimeout(() => incoming.socket.destroy(), patienceMs);
  cutOff.unref();
  incoming.once("end", () => clearTimeout(cutOff));
  incoming.once("close", () => clearTimeout(cutOff));
  incoming.resume();
}

/**
 * Writes a fetch Response to the node response, streaming its body with backpressure. A body that
 * arrives as one chunk (every JSON answer) is sent together with the headers in one write, with a
 * Content-Length (so the first chunk of any body waits until the second one, or the end, arrives).
 * Reads the body with its own reader rather than stream.pipeline over
 * Readable.fromWeb: on small JSON answers those wrappers (and the abort signal pipeline creates and
 * fires for each) cost more than the answer itself. If the client goes away, the body is cancelled.
 */
export async function sendFetchResponse(response: Response, outgoing: ServerResponse): Promise<void> {
  outgoing.statusCode = response.status;
  if (response.statusText !== "") outgoing.statusMessage = response.statusText;
  for (const [name, value] of response.headers) {
    if (name === "set-cookie") continue;
    outgoing.setHeader(name, value);
  }
  // Headers joins several Set-Cookie values with commas, which breaks cookies that contain dates.
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) outgoing.setHeader("set-cookie", cookies);
  if (response.body === null) {
    outgoing.end();
    return;
  }
  const reader = response.body.getReader();
  let bodyDone = false;
  // A client that hangs up while the body is still being produced stops its producer.
  const cancelBody = () => {
    if (!bodyDone) reader.cancel().catch(() => {});
  };
  outgoing.once("close", cancelBody);
  try {
    const first = await reader.read();
    let next = first.done ? first : await reader.read();
    bodyDone = next.done;
    if (first.done) return endUnlessGone(outgoing);
    if (next.done) return endUnlessGone(outgoing, first.value);
    if (!(await written(outgoing, first.value))) return;
    while (!next.done) {
      if (!(await written(outgoing, next.value))) return;
      next = await reader.read();
    }
    bodyDone = true;
    endUnlessGone(outgoing);
  } finally {
    outgoing.off("close", cancelBody);
    // Also when the client was found gone before its "close" event, or the body failed.
    cancelBody();
  }
}

function endUnlessGone(outgoing: ServerResponse, chunk?: Uint8Array): void {
  if (outgoing.destroyed) return;
  if (chunk === undefined) outgoing.end();
  else outgoing.end(chunk);
}

/** Writes a chunk; resolves false (stop sending) when the client went away instead of draining. */
function written(outgoing: ServerResponse, chunk: Uint8Array): boolean | Promise<boolean> {
  if (outgoing.destroyed) return false;
  if (outgoing.write(chunk)) return true;
  return new Promise((resolve) => {
    const settle = (keepGoing: boolean) => {
      outgoing.off("drain", onDrain);
      outgoing.off("close", onClose);
      resolve(keepGoing);
    };
    const onDrain = () => settle(true);
    const onClose = () => settle(false);
    outgoing.on("drain", onDrain);
    outgoing.on("close", onClose);
  });
}
