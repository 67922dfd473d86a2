/**
 * The environment a worker process gets: AWS Lambda's reserved variables over the function's own over the
 * service's base (endpoint, credentials), and nothing else of the executor's own environment.
 */
import { delimiter, dirname, join } from "node:path";
import { loggingEnvironment } from "../logging-config";
import type { FunctionSpec } from "../types";
import { TELEMETRY_FD, TELEMETRY_FD_ENV } from "./protocol";

/**
 * Lambda's Node.js NODE_PATH (`/opt/nodejs/node22/node_modules:/opt/nodejs/node_modules:…:/var/task`),
 * with each layer's directory standing in for /opt; a later layer wins, as when Lambda extracts it on top.
 */
export function nodePath(spec: Pick<FunctionSpec, "codeDir" | "layerDirs" | "runtime">): string {
  const major = /^nodejs(\d+)/.exec(spec.runtime)?.[1];
  const opt = [...spec.layerDirs]
    .reverse()
    .flatMap((dir) => [
      ...(major ? [join(dir, "nodejs", `node${major}`, "node_modules")] : []),
      join(dir, "nodejs", "node_modules"),
    ]);
  return [...opt, spec.codeDir].join(delimiter);
}

export interface WorkerEnvInput {
  readonly spec: FunctionSpec;
  readonly logStream: string;
  readonly nodeBinary: string;
  readonly workerScript: string;
  readonly region: string;
  /** AWS_ENDPOINT_URL, credentials …, for every function. */
  readonly baseEnv: Readonly<Record<string, string | undefined>>;
  /** The executor's PATH, after the worker's Node.js directory. */
  readonly hostPath: string | undefined;
}

/** AWS Lambda's environment: the reserved variables win over the function's own, which win over baseEnv. */
export function workerEnv(input: WorkerEnvInput): Record<string, string> {
  const { spec, baseEnv: base } = input;
  const env: Record<string, string> = {};
  env.PATH = [dirname(input.nodeBinary), input.hostPath].filter((part) => part).join(delimiter);
  for (const [key, value] of Object.entries(base)) {
    if (value !== undefined) env[key] = value;
  }
  Object.assign(env, spec.environment);
  const reserved: Record<string, string | undefined> = {
    _HANDLER: spec.handler,
    AWS_REGION: input.region,
    AWS_DEFAULT_REGION: input.region,
    AWS_EXECUTION_ENV: `AWS_Lambda_${spec.runtime}`,
    AWS_LAMBDA_FUNCTION_NAME: spec.name,
    AWS_LAMBDA_FUNCTION_VERSION: "$LATEST",
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(spec.memoryMb),
    AWS_LAMBDA_LOG_GROUP_NAME: spec.logGroup,
    AWS_LAMBDA_LOG_STREAM_NAME: input.logStream,
    ...loggingEnvironment(spec.logging),
    AWS_LAMBDA_INITIALIZATION_TYPE: "on-demand",
    AWS_ACCESS_KEY_ID: base.AWS_ACCESS_KEY_ID,
    AWS_SECRET_ACCESS_KEY: base.AWS_SECRET_ACCESS_KEY,
    AWS_SESSION_TOKEN: base.AWS_SESSION_TOKEN,
    LAMBDA_TASK_ROOT: spec.codeDir,
    LAMBDA_RUNTIME_DIR: dirname(input.workerScript),
    NODE_PATH: nodePath(spec),
    TZ: ":UTC",
    LANG: "en_US.UTF-8",
    [TELEMETRY_FD_ENV]: String(TELEMETRY_FD),
  };
  for (const [key, value] of Object.entries(reserved)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}
