/** The environment of a worker: Lambda's reserved variables over the function's over the base. */
import { delimiter, join } from "node:path";
import { TELEMETRY_FD, TELEMETRY_FD_ENV } from "#local/lambda-service/runtime/protocol";
import { nodePath, workerEnv } from "#local/lambda-service/runtime/worker-env";
import type { FunctionSpec } from "#local/lambda-service/types";

const spec: FunctionSpec = {
  name: "fn",
  stackName: "stack",
  logicalId: "Fn",
  handler: "index.handler",
  runtime: "nodejs22.x",
  architecture: "arm64",
  codeDir: "/code/fn",
  layerDirs: ["/layers/a", "/layers/b"],
  environment: { OWN: "own", AWS_REGION: "mine", SHARED: "function" },
  timeoutSeconds: 3,
  memoryMb: 256,
  logGroup: "/aws/lambda/fn",
  logging: { format: "Text" },
  codeSha256: "sha",
};

describe("nodePath", () => {
  it("lists each layer's node<major> and plain node_modules, the last layer first, then the code", () => {
    expect(nodePath(spec).split(delimiter)).toEqual([
      join("/layers/b", "nodejs", "node22", "node_modules"),
      join("/layers/b", "nodejs", "node_modules"),
      join("/layers/a", "nodejs", "node22", "node_modules"),
      join("/layers/a", "nodejs", "node_modules"),
      "/code/fn",
    ]);
    expect(nodePath({ ...spec, layerDirs: [] })).toBe("/code/fn");
  });
});

describe("workerEnv", () => {
  const env = workerEnv({
    spec,
    logStream: "2026/01/01/[$LATEST]abc",
    nodeBinary: "/node22/bin/node",
    workerScript: "/run/lambda-worker.js",
    region: "eu-west-1",
    baseEnv: { AWS_ENDPOINT_URL: "http://127.0.0.1:4566", AWS_ACCESS_KEY_ID: "key", SHARED: "base", UNSET: undefined },
    hostPath: "/usr/bin",
  });

  it("sets Lambda's reserved variables, which win over the function's own", () => {
    expect(env).toMatchObject({
      _HANDLER: "index.handler",
      AWS_REGION: "eu-west-1",
      AWS_DEFAULT_REGION: "eu-west-1",
      AWS_EXECUTION_ENV: "AWS_Lambda_nodejs22.x",
      AWS_LAMBDA_FUNCTION_NAME: "fn",
      AWS_LAMBDA_FUNCTION_VERSION: "$LATEST",
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: "256",
      AWS_LAMBDA_LOG_GROUP_NAME: "/aws/lambda/fn",
      AWS_LAMBDA_LOG_STREAM_NAME: "2026/01/01/[$LATEST]abc",
      AWS_LAMBDA_INITIALIZATION_TYPE: "on-demand",
      AWS_ACCESS_KEY_ID: "key",
      LAMBDA_TASK_ROOT: "/code/fn",
      LAMBDA_RUNTIME_DIR: "/run",
      NODE_PATH: nodePath(spec),
      TZ: ":UTC",
      LANG: "en_US.UTF-8",
      [TELEMETRY_FD_ENV]: String(TELEMETRY_FD),
    });
  });

  it("lets the function's variables win over the base, and drops what is unset", () => {
    expect(env.OWN).toBe("own");
    expect(env.SHARED).toBe("function");
    expect(env.AWS_ENDPOINT_URL).toBe("http://127.0.0.1:4566");
    expect("UNSET" in env).toBe(false);
    expect("AWS_SECRET_ACCESS_KEY" in env).toBe(false);
    expect("AWS_SESSION_TOKEN" in env).toBe(false);
  });

  it("puts the worker's Node.js first on PATH", () => {
    expect(env.PATH).toBe(["/node22/bin", "/usr/bin"].join(delimiter));
  });
});
