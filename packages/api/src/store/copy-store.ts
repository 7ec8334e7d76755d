import type { Store } from "./store.js";

/**
 * Every table of the tracking store in an order that respects its foreign keys (a row's parents are
 * copied before it), with the columns that order its rows stably for paging.
 */
const TABLES = [
  ["user", ["id"]],
  ["session", ["id"]],
  ["account", ["id"]],
  ["verification", ["id"]],
  ["team", ["id"]],
  ["membership", ["id"]],
  ["apiToken", ["id"]],
  ["project", ["id"]],
  ["experiment", ["id"]],
  ["experimentTag", ["experimentId", "tag"]],
  ["run", ["id"]],
  ["runAttempt", ["id"]],
  ["runLayerStats", ["id"]],
  ["resultRow", ["id"]],
  ["artifact", ["id"]],
  ["candidate", ["id"]],
  ["candidateEvent", ["id"]],
  ["auditEntry", ["id"]],
  ["dataset", ["id"]],
  ["datasetFile", ["id"]],
] as const;

export type StoreTable = (typeof TABLES)[number][0];

/** What a Prisma model's client offers that copying needs (every model has these). */
interface TableClient {
  count(): Promise<number>;
  findMany(args: { orderBy: Record<string, "asc">[]; skip: number; take: number }): Promise<object[]>;
  createMany(args: { data: object[] }): Promise<unknown>;
}

const ROWS_PER_BATCH = 500;

export interface StoreCopyProgress {
  readonly stage: "tables" | "artifacts" | "verify";
  readonly table?: StoreTable;
  readonly done: number;
  readonly total: number;
}

export interface StoreCopyReport {
  /** Rows copied per table (the same number is now in both stores). */
  readonly rows: Record<StoreTable, number>;
  /** Distinct artifact contents copied and verified by their sha256. */
  readonly artifacts: { readonly contents: number; readonly bytes: number };
}

/** A copy refused or failed; its message says what was wrong and what to do. */
export class StoreCopyError extends Error {
  override readonly name = "StoreCopyError";
}

/**
 * Copies a whole tracking store (every table, every artifact's bytes) into an empty one, e.g. a
 * team's embedded SQLite store into PostgreSQL and S3 when it outgrows one machine, then verifies:
 * the same number of rows in every table, and every artifact readable from the target with its
 * sha256. Refuses a target that already holds any row. The source is only read.
 */
export async function copyStore(
  from: Store,
  to: Store,
  onProgress: (progress: StoreCopyProgress) => void = () => {},
): Promise<StoreCopyReport> {
  const occupied: string[] = [];
  for (const [table] of TABLES) {
    const count = await tableOf(to, table).count();
    if (count > 0) occupied.push(`${table} (${count})`);
  }
  if (occupied.length > 0) {
    throw new StoreCopyError(
      `the target store ${to.location} is not empty (${occupied.join(", ")}): copy only into a new, empty database`,
    );
  }

  const rows = {} as Record<StoreTable, number>;
  for (const [table, order] of TABLES) {
    const source = tableOf(from, table);
    const target = tableOf(to, table);
    const total = await source.count();
    let copied = 0;
    onProgress({ stage: "tables", table, done: 0, total });
    while (copied < total) {
      const batch = await source.findMany({
        orderBy: order.map((column) => ({ [column]: "asc" as const })),
        skip: copied,
        take: ROWS_PER_BATCH,
      });
      if (batch.length === 0) break;
      await target.createMany({ data: batch });
      copied += batch.length;
      onProgress({ stage: "tables", table, done: copied, total });
    }
    rows[table] = copied;
  }

  // Each content once (artifacts are content-addressed), streamed through and checked both ways.
  const artifactContents = await from.db.artifact.findMany({
    distinct: ["sha256"],
    select: { sha256: true, sizeBytes: true },
    orderBy: { sha256: "asc" },
  });
  // Uploaded datasets' files live in the same content-addressed store.
  const datasetContents = await from.db.datasetFile.findMany({
    distinct: ["sha256"],
    select: { sha256: true, sizeBytes: true },
    orderBy: { sha256: "asc" },
  });
  const contents = [
    ...new Map([...artifactContents, ...datasetContents].map((content) => [content.sha256, content])).values(),
  ];
  let bytes = 0;
  for (const [done, content] of contents.entries()) {
    onProgress({ stage: "artifacts", done, total: contents.length });
    const opened = await from.artifacts.open(content.sha256, { expectedSizeBytes: content.sizeBytes });
    await to.artifacts.put(opened.stream, { maxBytes: content.sizeBytes, expectedSha256: content.sha256 });
    bytes += content.sizeBytes;
  }

  for (const [done, [table]] of TABLES.entries()) {
    onProgress({ stage: "verify", table, done, total: TABLES.length });
    const [inSource, inTarget] = [await tableOf(from, table).count(), await tableOf(to, table).count()];
    if (inSource !== inTarget) {
      throw new StoreCopyError(
        `after copying, ${table} has ${inTarget} rows in ${to.location} but ${inSource} in ${from.location}: was the source written to during the copy? Stop its servers and copy again into a new database`,
      );
    }
  }
  for (const content of contents) {
    // open() checks the size and the sha256 before it returns.
    const opened = await to.artifacts.open(content.sha256, { expectedSizeBytes: content.sizeBytes });
    opened.stream.destroy();
  }
  return { rows, artifacts: { contents: contents.length, bytes } };
}

function tableOf(store: Store, table: StoreTable): TableClient {
  // Every model's client has count, findMany and createMany; their exact types differ per model.
  return store.db[table] as unknown as TableClient;
}
