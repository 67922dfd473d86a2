/**
 * The server's dispatch over real HTTP with a fake backend: the Invoke route's three invocation types and
 * its refusals, the function and mapping routes, the /_sluice/ routes, the executor's errors in the API's
 * shape, and what the service does not run going to LocalStack (here unreachable: AWS's 502).
 */
import { request } from "node:http";
import type { LambdaBackend, MappingUpdate, MappingView } from "#local/lambda-service/api";
import { LambdaApiServer } from "#local/lambda-service/api";
import { LambdaServiceError } from "#local/lambda-service/executor";
import type { FunctionSpec, KafkaMappingSpec } from "#local/lambda-service/types";

const fn = (name: string) =>
  ({
    name,
    environment: {},
    codeSha256: "c".repeat(64),
    architecture: "arm64",
    codeDir: `/code/${name}`,
    logging: { format: "Text" },
  }) as FunctionSpec;
const mapping: MappingView = {
  spec: {
    uuid: "m-1",
    functionName: "echo",
    topics: ["t"],
    bootstrapServers: ["127.0.0.1:9092"],
    batchSize: 100,
    maxBatchingWindowMs: 500,
    startingPosition: "LATEST",
    consumerGroupId: "g",
    filterPatterns: [],
  } as unknown as KafkaMappingSpec,
  state: "Enabled",
  lastProcessingResult: "OK",
  lastModified: new Date(0),
};

const invoked: { name: string; payload: string }[] = [];
const updates: MappingUpdate[] = [];
const backend: LambdaBackend = {
  region: "us-east-1",
  accountId: "000000000000",
  functions: () => [fn("echo"), fn("broken")],
  invoke: async (name, payload) => {
    invoked.push({ name, payload: payload.toString() });
    if (name === "broken") throw new LambdaServiceError("TooManyRequestsException", "Rate exceeded", 429);
    return {
      requestId: "req-1",
      payload,
      functionError: "Unhandled",
      logTail: "a log line",
      durationMs: 1,
      billedDurationMs: 1,
      maxMemoryUsedMb: 1,
    };
  },
  mappings: () => [mapping],
  updateMapping: async (_uuid, update) => {
    updates.push(update);
    return { ...mapping, spec: { ...mapping.spec, batchSize: update.batchSize ?? 100 } };
  },
  functionUrls: () => [],
};

let api: LambdaApiServer;
let port = 0;
beforeAll(async () => {
  api = new LambdaApiServer({
    backend,
    upstream: new URL("http://127.0.0.1:9"),
    host: "127.0.0.1",
    port: 0,
    log: () => undefined,
    status: () => ({ up: true }),
    setClock: (change) => ({ clock: change }),
  });
  port = (await api.listen()).port;
});
afterAll(() => api.close());
beforeEach(() => {
  invoked.length = 0;
  updates.length = 0;
});

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

function call(method: string, path: string, body = "", headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }),
      );
    });
    req.on("error", reject);
    req.end(body);
  });
}

const invocations = (name: string) => `/2015-03-31/functions/${name}/invocations`;
const error = (a: Answer) => ({ status: a.status, type: a.headers["x-amzn-errortype"], ...JSON.parse(a.body) });

describe("Invoke", () => {
  it("runs a RequestResponse invocation and answers with its result, error and log tail", async () => {
    const a = await call("POST", invocations("echo"), '{"n":1}', { "X-Amz-Log-Type": "Tail" });
    expect(a.status).toBe(200);
    expect(a.body).toBe('{"n":1}');
    expect(a.headers).toMatchObject({
      "x-amzn-requestid": "req-1",
      "x-amz-executed-version": "$LATEST",
      "x-amz-function-error": "Unhandled",
      "x-amz-log-result": Buffer.from("a log line").toString("base64"),
    });
  });

  it("gives the function {} for an empty body and accepts a function ARN", async () => {
    await call("POST", invocations("arn:aws:lambda:us-east-1:000000000000:function:echo"));
    expect(invoked).toEqual([{ name: "echo", payload: "{}" }]);
  });

  it("answers an Event invocation 202 (run in the background) and a DryRun 204 (not run)", async () => {
    const event = await call("POST", invocations("echo"), "{}", { "X-Amz-Invocation-Type": "Event" });
    expect(event.status).toBe(202);
    const dry = await call("POST", invocations("echo"), "{}", { "X-Amz-Invocation-Type": "DryRun" });
    expect(dry.status).toBe(204);
    expect(invoked.filter((i) => i.name === "echo")).toHaveLength(1);
  });

  it("refuses an unknown invocation type, an Event that is not JSON, and a function it does not run", async () => {
    expect(error(await call("POST", invocations("echo"), "{}", { "X-Amz-Invocation-Type": "Later" }))).toEqual({
      status: 400,
      type: "InvalidParameterValueException",
      Type: "User",
      message: "Invalid InvocationType: Later",
    });
    expect(error(await call("POST", invocations("echo"), "{", { "X-Amz-Invocation-Type": "Event" }))).toEqual({
      status: 400,
      type: "InvalidRequestContentException",
      Type: "User",
      message: "Could not parse request body into json",
    });
    expect(error(await call("POST", invocations("ghost")))).toEqual({
      status: 404,
      type: "ResourceNotFoundException",
      Type: "User",
      message: "Function not found: arn:aws:lambda:us-east-1:000000000000:function:ghost",
    });
  });

  it("answers the executor's errors in the API's shape", async () => {
    expect(error(await call("POST", invocations("broken")))).toEqual({
      status: 429,
      type: "TooManyRequestsException",
      Type: "User",
      message: "Rate exceeded",
    });
  });
});

describe("functions and mappings", () => {
  it("lists and gets the functions it runs", async () => {
    const list = JSON.parse((await call("GET", "/2015-03-31/functions/")).body);
    expect(list.Functions.map((f: { FunctionName: string }) => f.FunctionName)).toEqual(["echo", "broken"]);
    const got = JSON.parse((await call("GET", "/2015-03-31/functions/echo")).body);
    expect(got.Code).toEqual({ RepositoryType: "Local", Location: "/code/echo" });
    const configuration = JSON.parse((await call("GET", "/2015-03-31/functions/echo/configuration")).body);
    expect(configuration.FunctionName).toBe("echo");
  });

  it("lists, gets and updates its mappings", async () => {
    const list = JSON.parse((await call("GET", "/2015-03-31/event-source-mappings?FunctionName=echo")).body);
    expect(list.EventSourceMappings.map((m: { UUID: string }) => m.UUID)).toEqual(["m-1"]);
    expect(JSON.parse((await call("GET", "/2015-03-31/event-source-mappings?FunctionName=other")).body)).toEqual({
      EventSourceMappings: [],
    });
    expect(JSON.parse((await call("GET", "/2015-03-31/event-source-mappings/m-1")).body).UUID).toBe("m-1");
    const put = await call("PUT", "/2015-03-31/event-source-mappings/m-1", '{"BatchSize":7,"UUID":"m-1"}');
    expect(put.status).toBe(202);
    expect(JSON.parse(put.body).BatchSize).toBe(7);
    expect(updates).toEqual([{ batchSize: 7 }]);
  });

  it("refuses a mapping update it cannot make", async () => {
    const put = await call("PUT", "/2015-03-31/event-source-mappings/m-1", '{"BatchSize":0}');
    expect(error(put)).toMatchObject({ status: 400, message: "BatchSize must be between 1 and 10000" });
    expect(updates).toEqual([]);
  });

  it("refuses, by operation, a change to a function it runs; the same change to another goes to LocalStack", async () => {
    const cases: [string, string, string][] = [
      ["PUT", "/2015-03-31/functions/echo/configuration", "UpdateFunctionConfiguration"],
      ["PUT", "/2015-03-31/functions/echo/code", "UpdateFunctionCode"],
      ["DELETE", "/2015-03-31/functions/echo", "DeleteFunction"],
      ["PUT", "/2017-10-31/functions/echo/concurrency", "PutFunctionConcurrency"],
      ["POST", "/2015-03-31/functions/echo/versions", "PublishVersion"],
      ["POST", "/2015-03-31/functions/echo/policy", "AddPermission"],
      ["DELETE", "/2015-03-31/functions/echo/policy/sid-1", "RemovePermission"],
      ["PUT", "/2021-10-31/functions/echo/url", "UpdateFunctionUrlConfig"],
      [
        "PUT",
        `/2015-03-31/functions/${encodeURIComponent("arn:aws:lambda:us-east-1:000000000000:function:echo")}/configuration`,
        "UpdateFunctionConfiguration",
      ],
    ];
    for (const [method, path, operation] of cases) {
      const answer = error(await call(method, path, method === "DELETE" ? "" : "{}"));
      expect(answer).toMatchObject({ status: 409, type: "ResourceConflictException" });
      expect(answer.message).toBe(
        `${operation} is not supported for echo: the local Lambda service runs the functions of the deployed CDK app, so change the app and run deploy:local`,
      );
    }
    expect(error(await call("PUT", "/2015-03-31/functions/ghost/configuration", "{}"))).toMatchObject({ status: 502 });
  });

  it("passes what it does not run to LocalStack (unreachable here: 502)", async () => {
    for (const path of [
      "/2015-03-31/functions/ghost",
      "/2015-03-31/event-source-mappings/m-2",
      "/_localstack/health",
    ]) {
      expect(error(await call("GET", path))).toMatchObject({
        status: 502,
        type: "ServiceUnavailableException",
        Type: "Service",
      });
    }
  });
});

describe("/_sluice/ routes", () => {
  it("serves the status and sets the clock", async () => {
    expect(JSON.parse((await call("GET", "/_sluice/status")).body)).toEqual({ up: true });
    const clock = await call("POST", "/_sluice/clock", '{"advanceSeconds":60}');
    expect(JSON.parse(clock.body)).toEqual({ clock: { advanceSeconds: 60 } });
  });

  it("refuses a body that is not JSON", async () => {
    expect(error(await call("POST", "/_sluice/clock", "{"))).toMatchObject({
      status: 400,
      type: "InvalidRequestException",
    });
  });
});
