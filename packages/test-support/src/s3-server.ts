/// <reference path="./s3rver.d.ts" />
import { EventEmitter } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import S3rver from "s3rver";
import { afterAll } from "vitest";

/** An answer the S3 server finished sending. */
export interface S3Response {
  readonly method: string;
  readonly url: string;
  readonly status: number;
}

export interface TestS3Server {
  readonly endpoint: string;
  readonly port: number;
  readonly bucket: string;
  /** s3rver's only key pair (it checks the key id but not SigV4 signatures, so a wrong secret passes). */
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** Where s3rver keeps the buckets; a server started again on it sees the same objects. */
  readonly directory: string;
  /** Resolves with the first answer (already sent or still to come) that `matches`. */
  answered(matches: (response: S3Response) => boolean): Promise<S3Response>;
  /** Stops listening and cuts every open connection, requests in flight included. */
  stop(): Promise<void>;
}

export interface S3ServerOptions {
  readonly directory?: string;
  readonly port?: number;
  readonly bucket?: string;
}

/**
 * A real s3rver on 127.0.0.1 (a free port unless `port` is given) with the bucket configured,
 * stopped after the test file; its directory is a fresh temporary one (removed after the file)
 * unless `directory` is given.
 */
export async function startS3Server(options: S3ServerOptions = {}): Promise<TestS3Server> {
  const server = await startStandaloneS3Server(options);
  afterAll(() => server.discard());
  return server;
}

/**
 * startS3Server outside a test file (a benchmark): nothing is stopped for you; `discard()` stops it
 * and removes its temporary directory.
 */
export async function startStandaloneS3Server(
  options: S3ServerOptions = {},
): Promise<TestS3Server & { discard(): Promise<void> }> {
  const directory = options.directory ?? mkdtempSync(join(tmpdir(), "deadweight-s3rver-"));
  const bucket = options.bucket ?? "deadweight-artifacts";
  const server = new S3rver({
    address: "127.0.0.1",
    port: options.port ?? 0,
    silent: true,
    directory,
    configureBuckets: [{ name: bucket }],
  });
  const { port } = await server.run();
  const responses: S3Response[] = [];
  const events = new EventEmitter();
  server.httpServer.on("request", (request, response) => {
    response.on("finish", () => {
      const answer = { method: request.method ?? "", url: request.url ?? "", status: response.statusCode };
      responses.push(answer);
      events.emit("answer", answer);
    });
  });

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      const closed = server.close();
      server.httpServer.closeAllConnections();
      await closed;
    })();
    return stopping;
  };
  const discard = async () => {
    await stop();
    if (options.directory === undefined) rmSync(directory, { recursive: true, force: true });
  };

  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    bucket,
    accessKeyId: "S3RVER",
    secretAccessKey: "S3RVER",
    directory,
    async answered(matches) {
      const seen = responses.find(matches);
      if (seen !== undefined) return seen;
      return new Promise((resolve) => {
        const listener = (answer: S3Response) => {
          if (!matches(answer)) return;
          events.off("answer", listener);
          resolve(answer);
        };
        events.on("answer", listener);
      });
    },
    stop,
    discard,
  };
}
