/**
 * Function URLs on the service's endpoint, over real HTTP with a fake function: host form and path form,
 * the preflight answered without the function, AWS_IAM's 403, AWS's 502 and 413, and the Lambda API's
 * GetFunctionUrlConfig / ListFunctionUrlConfigs shapes.
 */
import { request } from "node:http";
import type { AddressInfo } from "node:net";
import { LambdaApiServer, type LambdaBackend } from "#local/lambda-service/api";
import type { InvokeResult } from "#local/lambda-service/types";
import { FunctionUrlRouter } from "#local/lambda-service/urls/server";
import { type FunctionUrlSpec, urlIdOf } from "#local/lambda-service/urls/url-spec";

const region = "us-east-1";
const accountId = "000000000000";
const openId = urlIdOf(accountId, region, "open");
const iamId = urlIdOf(accountId, region, "private");
const urls: FunctionUrlSpec[] = [
  {
    stackName: "s",
    logicalId: "OpenUrl",
    functionName: "open",
    urlId: openId,
    authType: "NONE",
    invokeMode: "BUFFERED",
    cors: {
      allowCredentials: false,
      allowHeaders: ["x-custom"],
      allowMethods: ["POST"],
      allowOrigins: ["https://app.example"],
      exposeHeaders: [],
      maxAge: 60,
    },
  },
  {
    stackName: "s",
    logicalId: "IamUrl",
    functionName: "private",
    urlId: iamId,
    authType: "AWS_IAM",
    invokeMode: "BUFFERED",
  },
];

const events: unknown[] = [];
let answer: Partial<InvokeResult> = {};
const backend: LambdaBackend = {
  region,
  accountId,
  functions: () =>
    ["open", "private", "plain"].map((name) => ({ name }) as unknown as ReturnType<LambdaBackend["functions"]>[number]),
  invoke: async (_name, payload) => {
    events.push(JSON.parse(payload.toString()));
    return {
      requestId: "r",
      payload: Buffer.from('"ok"'),
      logTail: "",
      durationMs: 1,
      billedDurationMs: 1,
      maxMemoryUsedMb: 1,
      ...answer,
    };
  },
  mappings: () => [],
  updateMapping: () => Promise.reject(new Error("no mappings")),
  functionUrls: () => urls,
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
    startedAt: new Date("2026-01-01T00:00:00Z"),
    urls: new FunctionUrlRouter({ backend, credentials: { accessKeyId: "test", secretAccessKey: "test" } }),
  });
  port = ((await api.listen()) as AddressInfo).port;
});
afterAll(() => api.close());
beforeEach(() => {
  events.length = 0;
  answer = {};
});

const base = () => `http://127.0.0.1:${port}`;

/** node:http, because fetch may not set Host. */
function send(path: string, headers: Record<string, string>, body: string) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }>(
    (resolve, reject) => {
      const req = request({ host: "127.0.0.1", port, path, method: "POST", headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }),
        );
      });
      req.on("error", reject);
      req.end(body);
    },
  );
}

test("the host form reaches the function with the 2.0 event and maps its answer", async () => {
  answer = {
    payload: Buffer.from(
      JSON.stringify({ statusCode: 201, headers: { "x-kind": "created" }, cookies: ["a=1", "b=2"], body: "made" }),
    ),
  };
  const res = await send(
    "/orders/7?x=1",
    { host: `${openId}.lambda-url.${region}.localhost:${port}`, "content-type": "text/plain", cookie: "c=3" },
    "hi",
  );
  expect(res.status).toBe(201);
  expect(res.headers["x-kind"]).toBe("created");
  expect(res.headers["set-cookie"]).toEqual(["a=1", "b=2"]);
  expect(res.headers["x-amzn-requestid"]).toMatch(/^[0-9a-f-]{36}$/);
  expect(res.body).toBe("made");
  expect(events).toEqual([
    expect.objectContaining({
      rawPath: "/orders/7",
      rawQueryString: "x=1",
      cookies: ["c=3"],
      body: "hi",
      isBase64Encoded: false,
      headers: expect.objectContaining({
        "x-forwarded-for": "127.0.0.1",
        "x-forwarded-proto": "http",
        "x-forwarded-port": String(port),
      }),
      requestContext: expect.objectContaining({
        apiId: openId,
        domainName: `${openId}.lambda-url.${region}.localhost`,
        http: expect.objectContaining({ method: "POST", path: "/orders/7", sourceIp: "127.0.0.1" }),
      }),
    }),
  ]);
});

test("the path form strips /lambda-url/<id> from the path the function sees", async () => {
  const res = await fetch(`${base()}/lambda-url/${openId}/a/b?q=2`);
  expect(res.status).toBe(200);
  expect(await res.text()).toBe("ok");
  expect(events).toEqual([expect.objectContaining({ rawPath: "/a/b", queryStringParameters: { q: "2" } })]);
  const root = await fetch(`${base()}/lambda-url/${openId}`);
  expect(root.status).toBe(200);
  expect(events[1]).toEqual(expect.objectContaining({ rawPath: "/" }));
});

test("a preflight is answered by the URL, not the function", async () => {
  const res = await fetch(`${base()}/lambda-url/${openId}/x`, {
    method: "OPTIONS",
    headers: { origin: "https://app.example", "access-control-request-method": "POST" },
  });
  expect(res.status).toBe(200);
  expect(res.headers.get("access-control-allow-origin")).toBe("https://app.example");
  expect(res.headers.get("access-control-allow-methods")).toBe("POST");
  expect(res.headers.get("access-control-max-age")).toBe("60");
  expect(events).toEqual([]);
});

test("AWS_IAM refuses an unsigned request with AWS's 403", async () => {
  const res = await fetch(`${base()}/lambda-url/${iamId}/`);
  expect(res.status).toBe(403);
  expect(await res.json()).toEqual({ Message: "Forbidden" });
  expect(events).toEqual([]);
});

test("a function error is AWS's 502; an unknown url-id is 404; a body over 6 MB is 413", async () => {
  answer = { functionError: "Unhandled", payload: Buffer.from('{"errorMessage":"boom"}') };
  const failed = await fetch(`${base()}/lambda-url/${openId}/`);
  expect(failed.status).toBe(502);
  expect(await failed.text()).toBe("Internal Server Error");
  const unknown = await fetch(`${base()}/lambda-url/${"0".repeat(32)}/`);
  expect(unknown.status).toBe(404);
  const large = await fetch(`${base()}/lambda-url/${openId}/`, { method: "POST", body: Buffer.alloc(6_291_457) });
  expect(large.status).toBe(413);
});

test("GetFunctionUrlConfig and ListFunctionUrlConfigs in AWS's shapes", async () => {
  const get = await fetch(`${base()}/2021-10-31/functions/open/url`);
  expect(get.status).toBe(200);
  expect(await get.json()).toEqual({
    FunctionUrl: `http://${openId}.lambda-url.${region}.localhost:${port}/`,
    FunctionArn: `arn:aws:lambda:${region}:${accountId}:function:open`,
    AuthType: "NONE",
    Cors: {
      AllowCredentials: false,
      AllowHeaders: ["x-custom"],
      AllowMethods: ["POST"],
      AllowOrigins: ["https://app.example"],
      ExposeHeaders: [],
      MaxAge: 60,
    },
    CreationTime: "2026-01-01T00:00:00.000Z",
    LastModifiedTime: "2026-01-01T00:00:00.000Z",
    InvokeMode: "BUFFERED",
  });
  const list = (await (await fetch(`${base()}/2021-10-31/functions/private/urls`)).json()) as {
    FunctionUrlConfigs: Array<{ AuthType: string }>;
  };
  expect(list.FunctionUrlConfigs.map((c) => c.AuthType)).toEqual(["AWS_IAM"]);
  const none = await fetch(`${base()}/2021-10-31/functions/plain/url`);
  expect(none.status).toBe(404);
  expect(none.headers.get("x-amzn-errortype")).toBe("ResourceNotFoundException");
});
