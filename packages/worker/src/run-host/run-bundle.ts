import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build, type Plugin } from "esbuild";

const RUN_MAIN = fileURLToPath(new URL("./run-main.ts", import.meta.url));
/** A bundle's folder under the temporary folder: this prefix, the worker's pid, a random part. */
const BUNDLE_FOLDER_PREFIX = "deadweight-run-pipeline-";
const BUNDLE_FOLDER_NAME = /^deadweight-run-pipeline-(\d+)-/;
const WORKSPACE_PACKAGE = /^@deadweight\//;

/** The pipeline's code as one JavaScript module that a run's thread or process imports: no TypeScript loader. */
export interface RunPipelineBundle {
  /** The bundled module (run-main.ts and every Deadweight module it reaches). */
  readonly module: URL;
  /** How many source files went into it. */
  readonly sourceFiles: number;
  /** Deletes the bundle's folder. */
  readonly dispose: () => Promise<void>;
}

/**
 * Bundles the runs' pipeline once per worker, into a folder of its own under the system's temporary
 * folder. Without it each run's thread registered tsx, whose loader runs in a thread of its own and
 * resolves and loads every one of ~150 TypeScript modules through it: measured here, a thread ready
 * to run took 1.1 s and 1.6 s of CPU that way, 0.65 s and 0.9 s from the bundle.
 *
 * Deadweight's own modules (the @deadweight/* packages) go into the bundle; every other package
 * stays outside it, imported by its resolved absolute path, so TensorFlow.js, koffi and the rest
 * load as they would without the bundle. Each module keeps its own `import.meta.url`, so the
 * files it finds beside itself (the verifier's script, the compute threads' entry, the bundled
 * datasets) are found as before. A source map beside the bundle maps its stack frames back to the
 * TypeScript. The folder is named with the worker's pid: a worker that starts deletes the folders
 * of workers that ended without deleting theirs (killed with -9).
 */
export async function bundleRunPipeline(
  options: { readonly temporaryFolder?: string } = {},
): Promise<RunPipelineBundle> {
  const parent = options.temporaryFolder ?? tmpdir();
  await removeBundlesOfEndedWorkers(parent);
  const directory = await mkdtemp(join(parent, `${BUNDLE_FOLDER_PREFIX}${process.pid}-`));
  const outfile = join(directory, "run-pipeline.mjs");
  try {
    const result = await build({
      entryPoints: [RUN_MAIN],
      outfile,
      bundle: true,
      format: "esm",
      platform: "node",
      target: "node20",
      sourcemap: "linked",
      sourcesContent: false,
      metafile: true,
      logLevel: "silent",
      plugins: [keepPackagesOutside, keepEachModulesLocation],
    });
    return {
      module: pathToFileURL(outfile),
      sourceFiles: Object.keys(result.metafile.inputs).length,
      dispose: () => rm(directory, { recursive: true, force: true }),
    };
  } catch (error) {
    await rm(directory, { recursive: true, force: true });
    const details = (error as { errors?: { text: string; location?: { file: string; line: number } | null }[] }).errors
      ?.map((message) =>
        message.location ? `${message.location.file}:${message.location.line}: ${message.text}` : message.text,
      )
      .join("; ");
    throw new Error(
      `could not bundle the runs' pipeline (${details ?? (error as Error).message}); check that the worker's sources type-check (pnpm typecheck)`,
      { cause: error },
    );
  }
}

/** Deletes the bundle folders in `parent` whose worker (the pid in the name) is no longer running. */
async function removeBundlesOfEndedWorkers(parent: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(parent);
  } catch {
    return;
  }
  const left = names.flatMap((name) => {
    const pid = BUNDLE_FOLDER_NAME.exec(name)?.[1];
    return pid === undefined || processRuns(Number(pid)) ? [] : [join(parent, name)];
  });
  await Promise.all(left.map((folder) => rm(folder, { recursive: true, force: true }).catch(() => {})));
}

/** Whether a process with this pid runs (signal 0 checks without sending; EPERM: it runs, as another user). */
function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Packages other than Deadweight's stay external, by the absolute path esbuild resolves them to. */
const keepPackagesOutside: Plugin = {
  name: "keep-packages-outside",
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.pluginData?.resolvingPackage === true || WORKSPACE_PACKAGE.test(args.path)) return undefined;
      if (args.path.startsWith("node:")) return { path: args.path, external: true };
      const resolved = await build.resolve(args.path, {
        kind: args.kind,
        importer: args.importer,
        resolveDir: args.resolveDir,
        pluginData: { resolvingPackage: true },
      });
      if (resolved.errors.length > 0) return { errors: resolved.errors };
      // A built-in module named without "node:" resolves to itself, external already.
      return { path: resolved.external ? resolved.path : pathToFileURL(resolved.path).href, external: true };
    });
  },
};

/** Each bundled module's `import.meta.url` stays its source file's URL. */
const keepEachModulesLocation: Plugin = {
  name: "keep-each-modules-location",
  setup(build) {
    build.onLoad({ filter: /\.[cm]?[jt]s$/ }, async (args) => {
      const source = await readFile(args.path, "utf8");
      return {
        contents: source.replaceAll("import.meta.url", JSON.stringify(pathToFileURL(args.path).href)),
        loader: /\.[cm]?ts$/.test(args.path) ? "ts" : "js",
      };
    });
  },
};
