import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";

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
  const headers = new Headers();
  const raw = incoming.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) headers.append(raw[i]!, raw[i + 1]!);
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

/** Writes a fetch Response to the node response, streaming its body with backpressure. */
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
  try {
    await pipeline(Readable.fromWeb(response.body as unknown as NodeReadableStream<Uint8Array>), outgoing);
  } catch (error) {
    // The client hung up mid-response: nothing left to tell it.
    if ((error as NodeJS.ErrnoException).code === "ERR_STREAM_PREMATURE_CLOSE") return;
    throw error;
  }
}
