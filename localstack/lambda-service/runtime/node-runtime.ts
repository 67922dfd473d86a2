/**
 * What a worker process runs: the Node.js binary of the function's runtime major, its V8 memory flags, and the
 * worker bootstrap compiled to one plain JavaScript file (the binary may be another Node.js than this process's, so
 * the bootstrap cannot rely on this process's TypeScript loader).
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { buildSync } from "esbuild";
import type { FunctionSpec } from "../types";
import { LambdaServiceError } from "./errors";

/** "22" of "v22.3.0" or "22.3.0". */
export function majorOf(version: string): string | undefined {
  return /^v?(\d+)\./.exec(version)?.[1];
}

/** "22" of "nodejs22.x"; undefined for any other runtime. */
export function runtimeMajor(runtime: string): string | undefined {
  return /^nodejs(\d+)\.x$/.exec(runtime)?.[1];
}

/** The binary of the `node` npm package (node@22 ships Node 22), when its major is the one wanted. */
function npmNodeBinary(major: string): string | undefined {
  let packageJson: string;
  try {
    packageJson = require.resolve("node/package.json", { paths: [__dirname, process.cwd()] });
  } catch {
    return undefined;
  }
  try {
    const { version } = JSON.parse(readFileSync(packageJson, "utf8")) as { version?: unknown };
    if (typeof version !== "string" || majorOf(version) !== major) return undefined;
  } catch {
    return undefined;
  }
  const directory = dirname(packageJson);
  return [join(directory, "bin", "node"), join(directory, "bin", "node.exe")].find((file) => existsSync(file));
}

/** Where Node.js binaries can come from, first match wins. */
export interface NodeBinarySources {
  /** By major ("22" → path), configured by the caller. */
  readonly configured?: Readonly<Record<string, string>>;
  /** This process's Node.js. */
  readonly current: { readonly version: string; readonly execPath: string };
  /** An installed binary for a major, if any. */
  readonly installed: (major: string) => string | undefined;
}

export const HOST_NODE_SOURCES: Omit<NodeBinarySources, "configured"> = {
  current: { version: process.versions.node, execPath: process.execPath },
  installed: npmNodeBinary,
};

/** The Node.js binary for a function's runtime: configured, else this process's, else an installed one. */
export function selectNodeBinary(spec: Pick<FunctionSpec, "name" | "runtime">, sources: NodeBinarySources): string {
  const major = runtimeMajor(spec.runtime);
  if (!major) {
    throw new LambdaServiceError(
      "InvalidRuntimeException",
      `${spec.name}: runtime ${spec.runtime} is not supported locally (only nodejs<major>.x)`,
      502,
    );
  }
  const configured = sources.configured?.[major];
  if (configured) return configured;
  if (majorOf(sources.current.version) === major) return sources.current.execPath;
  const installed = sources.installed(major);
  if (installed) return installed;
  throw new LambdaServiceError(
    "InvalidRuntimeException",
    `${spec.name}: runtime ${spec.runtime} needs a Node.js ${major} binary, and this is Node.js ` +
      `${sources.current.version}. Install one with \`npm install --save-dev node@${major}\`, or run on Node.js ${major}.`,
    502,
  );
}

/**
 * The worker's command line. Like AWS's Node.js bootstrap: semi space = memory/20 and old space = memory - memory/10
 * (MB), so a heap that outgrows the function's memory aborts the process.
 */
export function workerArgs(memoryMb: number, workerScript: string): string[] {
  const newSpace = Math.floor(memoryMb / 10);
  return [
    "--expose-gc",
    "--max-http-header-size",
    "81920",
    `--max-semi-space-size=${Math.max(1, Math.floor(newSpace / 2))}`,
    `--max-old-space-size=${memoryMb - newSpace}`,
    workerScript,
  ];
}

/** Where the worker bootstrap comes from: its TypeScript entry, or (running from a bundle) a compiled file. */
export interface WorkerBootstrap {
  /** The entry module, compiled with every module it imports. */
  readonly source: string;
  /** Used as is when `source` does not exist. */
  readonly prebuilt: string;
}

const builtWorkers = new Map<string, string>();

/** The files a build read, recorded next to its output so that a change to any of them triggers a rebuild. */
function inputsFile(outfile: string): string {
  return `${outfile}.inputs.json`;
}

function isFresh(outfile: string): boolean {
  if (!existsSync(outfile) || !existsSync(inputsFile(outfile))) return false;
  try {
    const inputs = JSON.parse(readFileSync(inputsFile(outfile), "utf8")) as unknown;
    if (!Array.isArray(inputs) || inputs.length === 0) return false;
    const builtAt = statSync(outfile).mtimeMs;
    return inputs.every((input) => typeof input === "string" && statSync(input).mtimeMs <= builtAt);
  } catch {
    return false;
  }
}

function compileWorker(source: string, outfile: string): void {
  const temporary = `${outfile}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  const workingDir = dirname(source);
  try {
    const result = buildSync({
      entryPoints: [source],
      absWorkingDir: workingDir,
      outfile: temporary,
      bundle: true,
      platform: "node",
      format: "cjs",
      target: "node18",
      logLevel: "silent",
      legalComments: "none",
      metafile: true,
    });
    const inputs = Object.keys(result.metafile.inputs).map((input) => resolve(workingDir, input));
    writeFileSync(`${temporary}.inputs`, JSON.stringify(inputs));
    renameSync(`${temporary}.inputs`, inputsFile(outfile));
    renameSync(temporary, outfile);
  } catch (error) {
    rmSync(temporary, { force: true });
    rmSync(`${temporary}.inputs`, { force: true });
    throw new Error(`could not compile the Lambda worker bootstrap ${source} with esbuild`, { cause: error });
  }
}

/** Compiles the bootstrap to `<runDir>/lambda-worker.js` (once per process, and again when a source is newer). */
export function ensureWorkerScript(runDir: string, bootstrap: WorkerBootstrap): string {
  const outfile = join(runDir, "lambda-worker.js");
  const cached = builtWorkers.get(outfile);
  if (cached) return cached;
  const { source, prebuilt } = bootstrap;
  if (!existsSync(source)) {
    if (!existsSync(prebuilt))
      throw new Error(`the Lambda worker bootstrap is missing: neither ${source} nor ${prebuilt}`);
    builtWorkers.set(outfile, prebuilt);
    return prebuilt;
  }
  if (!isFresh(outfile)) {
    mkdirSync(runDir, { recursive: true });
    compileWorker(source, outfile);
  }
  builtWorkers.set(outfile, outfile);
  return outfile;
}
