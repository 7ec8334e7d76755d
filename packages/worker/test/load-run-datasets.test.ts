import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DeadweightError } from "@deadweight/core";
import { experimentConfigSchema } from "@deadweight/experiment-config";
import type { StoredDataset, StoredDatasetFile } from "@deadweight/protocol";
import { afterEach, describe, expect, it } from "vitest";
import { ServerCallError } from "../src/api/server-call-error.js";
import { loadRunDatasets } from "../src/datasets/load-run-datasets.js";
import { failureOutcome, StageFailure } from "../src/pipeline/stage-failure.js";

// How a worker gets a run's data: paths only inside its data roots (refused before they are opened,
// and for good), and datasets the platform stores downloaded once by sha256, checked, then cached.

const CSV = "a,b,kind\n1,2,x\n3,4,y\n5,6,x\n7,8,y\n9,10,x\n";
const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});
function folder(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), "deadweight-worker-datasets-"));
  folders.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}
const configFor = (dataset: string) => experimentConfigSchema.parse({ dataset });
const sha256Of = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
const noApi = {
  getDataset: () => Promise.reject(new Error("no platform dataset was named")),
  downloadDatasetFile: () => Promise.reject(new Error("no platform dataset was named")),
};

async function failureOf(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    return { error: error as Error, outcome: failureOutcome(new StageFailure("load", error)) };
  }
  throw new Error("the load succeeded; expected it to be refused");
}

describe("paths on the worker's disk", () => {
  it("loads a CSV inside a data root", async () => {
    const root = folder({ "kinds.csv": CSV });
    const loaded = await loadRunDatasets(
      configFor(`csv:${join(root, "kinds.csv")}`),
      { dataRoots: [root], cacheDir: folder() },
      noApi,
      () => {},
    );
    expect(loaded.train.labels.length).toBe(4);
  });

  it("refuses a path outside the roots before opening it (a missing file is not reported missing), for good", async () => {
    const root = folder();
    const outside = join(folder(), "secret.csv");
    const { error, outcome } = await failureOf(
      loadRunDatasets(configFor(`csv:${outside}`), { dataRoots: [root], cacheDir: folder() }, noApi, () => {}),
    );
    expect(error).toBeInstanceOf(DeadweightError);
    expect(error.message).toContain(
      `dataset path "${outside}" leads outside the folders this worker reads datasets from`,
    );
    expect(error.message).not.toContain("does not exist");
    expect(outcome.retryable).toBe(false);
  });

  it("refuses a symbolic link inside a root that leads outside, without quoting the file", async () => {
    const outside = folder({ "passwords.csv": "user,password\nalice,hunter2\n" });
    const root = folder();
    symlinkSync(join(outside, "passwords.csv"), join(root, "innocent.csv"));
    const { error, outcome } = await failureOf(
      loadRunDatasets(
        configFor(`csv:${join(root, "innocent.csv")}`),
        { dataRoots: [root], cacheDir: folder() },
        noApi,
        () => {},
      ),
    );
    expect(error.message).toContain("through a symbolic link");
    expect(error.message).not.toContain("alice");
    expect(outcome.retryable).toBe(false);
  });

  it("refuses idx:/ without listing the root folder", async () => {
    const { error } = await failureOf(
      loadRunDatasets(configFor("idx:/"), { dataRoots: [folder()], cacheDir: folder() }, noApi, () => {}),
    );
    expect(error.message).toContain('dataset path "/" leads outside');
    expect(error.message).not.toMatch(/\b(etc|usr|bin)\b/);
  });
});

/** A server holding one dataset; counts downloads and can be told to send damaged bytes. */
function platformWith(files: Record<string, string>) {
  const bytes = new Map(Object.entries(files).map(([name, text]) => [name, new TextEncoder().encode(text)]));
  const dataset: StoredDataset = {
    id: "ds_1",
    teamId: "team_1",
    name: "kinds",
    kind: "csv",
    files: [...bytes].map(([name, content]) => ({ name, sha256: sha256Of(content), sizeBytes: content.length })),
    createdAt: new Date(0),
    createdBy: { id: "u1", name: "Uma" },
    reference: "dataset:ds_1",
  };
  const state = { downloads: 0, damaged: false };
  const api = {
    getDataset: async (datasetId: string) => {
      if (datasetId !== dataset.id) throw new ServerCallError("not-found", `dataset ${datasetId} does not exist`, 404);
      return dataset;
    },
    downloadDatasetFile: async (_datasetId: string, file: StoredDatasetFile) => {
      state.downloads++;
      const content = bytes.get(file.name) as Uint8Array;
      return state.damaged ? content.map((byte) => byte ^ 1) : content;
    },
  };
  return { api, state, dataset };
}

describe("datasets the platform stores", () => {
  it("downloads each file once, then loads it from the cache by sha256", async () => {
    const { api, state, dataset } = platformWith({ "kinds.csv": CSV });
    const cacheDir = folder();
    const lines: string[] = [];
    const settings = { dataRoots: [], cacheDir };
    const first = await loadRunDatasets(configFor("dataset:ds_1"), settings, api, (line) => lines.push(line));
    expect(first.description).toContain('platform dataset "kinds" (dataset:ds_1)');
    expect(first.classNames).toEqual(["x", "y"]);
    expect(state.downloads).toBe(1);
    expect(lines).toEqual([`dataset "kinds" (dataset:ds_1): downloaded kinds.csv (${CSV.length} bytes)`]);
    const sha256 = dataset.files[0]?.sha256 as string;
    expect(readdirSync(join(cacheDir, sha256.slice(0, 2)))).toEqual([sha256]);
    await loadRunDatasets(configFor("dataset:ds_1"), settings, api, () => {});
    expect(state.downloads).toBe(1);
  });

  it("downloads again when the cached copy was damaged on disk", async () => {
    const { api, state, dataset } = platformWith({ "kinds.csv": CSV });
    const cacheDir = folder();
    await loadRunDatasets(configFor("dataset:ds_1"), { dataRoots: [], cacheDir }, api, () => {});
    const sha256 = dataset.files[0]?.sha256 as string;
    writeFileSync(join(cacheDir, sha256.slice(0, 2), sha256), "tampered");
    const loaded = await loadRunDatasets(configFor("dataset:ds_1"), { dataRoots: [], cacheDir }, api, () => {});
    expect(loaded.train.labels.length).toBe(4);
    expect(state.downloads).toBe(2);
  });

  it("refuses bytes that do not hash to the recorded sha256, caching nothing", async () => {
    const { api, state } = platformWith({ "kinds.csv": CSV });
    state.damaged = true;
    const cacheDir = folder();
    const { error } = await failureOf(
      loadRunDatasets(configFor("dataset:ds_1"), { dataRoots: [], cacheDir }, api, () => {}),
    );
    expect(error.message).toContain("kinds.csv: the bytes received hash to");
    expect(readdirSync(cacheDir).flatMap((sub) => readdirSync(join(cacheDir, sub)))).toEqual([]);
  });

  it("fails for good on a dataset the team does not have", async () => {
    const { api } = platformWith({ "kinds.csv": CSV });
    const { error, outcome } = await failureOf(
      loadRunDatasets(configFor("dataset:ds_other"), { dataRoots: [], cacheDir: folder() }, api, () => {}),
    );
    expect(error.message).toContain('dataset "dataset:ds_other" is not a dataset of this worker\'s team');
    expect(outcome.retryable).toBe(false);
  });
});
