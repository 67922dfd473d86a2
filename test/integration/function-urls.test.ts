/**
 * Function URLs as their users meet them on the local endpoint: curl (the real binary) and fetch, in AWS's host
 * form and in the path form, with status, headers, cookies and binary bodies; AWS_IAM refusing an unsigned
 * request and accepting one signed with SigV4; the Lambda API describing each URL; a RESPONSE_STREAM URL read
 * chunk by chunk while its function still runs.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { GetFunctionUrlConfigCommand, LambdaClient, ListFunctionUrlConfigsCommand } from "@aws-sdk/client-lambda";
import { SignatureV4 } from "@smithy/signature-v4";
import { LOCAL_CREDENTIALS } from "#local/config";
import { writeSyntheticAssembly } from "#local/lambda-service/synthetic-assembly";
import { NodeSha256 } from "#local/lambda-service/urls/sigv4";
import { startTestService, type TestService } from "./support/service";

const work = mkdtempSync(join(tmpdir(), "sluice-function-urls-"));
const suffix = Date.now().toString(36);
const openName = `url-open-${suffix}`;
const privateName = `url-private-${suffix}`;
const streamName = `url-stream-${suffix}`;
let service: TestService;
let urls: Array<{ functionName: string; authType: string; url: string; pathUrl: string }> = [];
let lambda: LambdaClient;

beforeAll(async () => {
  const codeDir = resolve(__dirname, "fixtures/function-url");
  const assemblyDir = join(work, "cdk.out");
  writeSyntheticAssembly(assemblyDir, {
    functions: [
      { logicalId: "Open", functionName: openName, codeDir },
      { logicalId: "Private", functionName: privateName, codeDir },
      { logicalId: "Stream", functionName: streamName, codeDir: resolve(__dirname, "fixtures/function-url-stream") },
    ],
    urls: [
      {
        logicalId: "OpenUrl",
        functionLogicalId: "Open",
        cors: { AllowOrigins: ["https://app.example"], AllowMethods: ["POST"], MaxAge: 300 },
      },
      { logicalId: "PrivateUrl", functionLogicalId: "Private", authType: "AWS_IAM" },
      { logicalId: "StreamUrl", functionLogicalId: "Stream", invokeMode: "RESPONSE_STREAM" },
    ],
  });
  service = await startTestService({ assemblyDir });
  const status = await service.loaded();
  urls = status.urls ?? [];
  lambda = new LambdaClient({
    endpoint: service.cfg.endpoint.url,
    region: service.cfg.region,
    credentials: LOCAL_CREDENTIALS,
  });
});

afterAll(async () => {
  lambda?.destroy();
  await service?.dispose();
  rmSync(work, { recursive: true, force: true });
});

function urlOf(name: string) {
  const u = urls.find((x) => x.functionName === name);
  if (!u) throw new Error(`no URL for ${name} in the service's status: ${JSON.stringify(urls)}`);
  return u;
}

interface CurlAnswer {
  readonly status: number;
  readonly headers: Array<[string, string]>;
  readonly body: Buffer;
}

/** Runs the real curl with -i and splits its answer. */
function curl(args: string[]): CurlAnswer {
  const r = spawnSync("curl", ["-s", "-i", "--max-time", "30", ...args]);
  if (r.status !== 0) throw new Error(`curl ${args.join(" ")} failed (${r.status}): ${r.stderr.toString()}`);
  const out = r.stdout;
  const end = out.indexOf("\r\n\r\n");
  const [statusLine = "", ...lines] = out.subarray(0, end).toString("latin1").split("\r\n");
  const headers = lines.map((l): [string, string] => {
    const colon = l.indexOf(":");
    return [l.slice(0, colon).toLowerCase(), l.slice(colon + 1).trim()];
  });
  return { status: Number(statusLine.split(" ")[1]), headers, body: out.subarray(end + 4) };
}

test("the service reports each URL and the Lambda API describes it", async () => {
  const open = urlOf(openName);
  expect(open.url).toMatch(/^http:\/\/[a-z0-9]{32}\.lambda-url\.[a-z0-9-]+\.localhost:\d+\/$/);
  expect(open.pathUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/lambda-url\/[a-z0-9]{32}\/$/);
  const config = await lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: openName }));
  expect(config.FunctionUrl).toBe(open.url);
  expect(config.AuthType).toBe("NONE");
  expect(config.InvokeMode).toBe("BUFFERED");
  expect(config.Cors?.AllowOrigins).toEqual(["https://app.example"]);
  const list = await lambda.send(new ListFunctionUrlConfigsCommand({ FunctionName: privateName }));
  expect(list.FunctionUrlConfigs?.map((c) => c.AuthType)).toEqual(["AWS_IAM"]);
});

test("curl, in the host form, gets status, headers, cookies and the 2.0 event", () => {
  const { url } = urlOf(openName);
  const host = new URL(url);
  const answer = curl([
    "--resolve",
    `${host.hostname}:${host.port}:127.0.0.1`,
    "-H",
    "content-type: text/plain",
    "-H",
    "cookie: a=1; b=2",
    "--data-binary",
    "hello",
    `${url}echo?x=1&x=2`,
  ]);
  expect(answer.status).toBe(201);
  expect(answer.headers).toContainEqual(["x-echo", "yes"]);
  expect(answer.headers.filter(([k]) => k === "set-cookie").map(([, v]) => v)).toEqual([
    "session=abc; Path=/",
    "theme=dark",
  ]);
  const event = JSON.parse(answer.body.toString()) as Record<string, unknown>;
  expect(event).toMatchObject({
    version: "2.0",
    routeKey: "$default",
    rawPath: "/echo",
    rawQueryString: "x=1&x=2",
    cookies: ["a=1", "b=2"],
    queryStringParameters: { x: "1,2" },
    body: "hello",
    isBase64Encoded: false,
    requestContext: { domainName: host.hostname, http: { method: "POST", path: "/echo" }, stage: "$default" },
  });
});

test("curl, in the path form, gets a binary body byte for byte", () => {
  const answer = curl([`${urlOf(openName).pathUrl}binary`]);
  expect(answer.status).toBe(200);
  expect(answer.headers).toContainEqual(["content-type", "image/png"]);
  expect([...answer.body]).toEqual([0x89, 0x50, 0x4e, 0x47]);
});

test("fetch, in the path form: binary both ways, a plain JSON answer, CORS, and AWS's 502", async () => {
  const base = urlOf(openName).pathUrl;
  const binary = await fetch(`${base}binary`);
  expect([...new Uint8Array(await binary.arrayBuffer())]).toEqual([0x89, 0x50, 0x4e, 0x47]);

  const sent = await fetch(`${base}echo`, {
    method: "PUT",
    headers: { "content-type": "application/octet-stream", origin: "https://app.example" },
    body: new Uint8Array([0, 255, 1]),
  });
  expect(sent.status).toBe(201);
  expect(sent.headers.get("access-control-allow-origin")).toBe("https://app.example");
  expect(sent.headers.getSetCookie()).toEqual(["session=abc; Path=/", "theme=dark"]);
  expect(await sent.json()).toMatchObject({ body: "AP8B", isBase64Encoded: true, rawPath: "/echo" });

  const plain = await fetch(`${base}plain`);
  expect(plain.status).toBe(200);
  expect(plain.headers.get("content-type")).toBe("application/json");
  expect(await plain.json()).toEqual({ hello: "world" });

  const preflight = await fetch(`${base}echo`, {
    method: "OPTIONS",
    headers: { origin: "https://app.example", "access-control-request-method": "POST" },
  });
  expect(preflight.status).toBe(200);
  expect(preflight.headers.get("access-control-allow-methods")).toBe("POST");
  expect(preflight.headers.get("access-control-max-age")).toBe("300");

  const failed = await fetch(`${base}fail`);
  expect(failed.status).toBe(502);
  expect(await failed.text()).toBe("Internal Server Error");
});

test("AWS_IAM: an unsigned request gets 403, a SigV4-signed one (SDK signer and curl) reaches the function", async () => {
  const { pathUrl, url } = urlOf(privateName);
  const unsigned = await fetch(`${pathUrl}echo`);
  expect(unsigned.status).toBe(403);
  expect(await unsigned.json()).toEqual({ Message: "Forbidden" });

  const target = new URL(`${pathUrl}echo?q=1`);
  const signer = new SignatureV4({
    credentials: LOCAL_CREDENTIALS,
    region: service.cfg.region,
    service: "lambda",
    sha256: NodeSha256,
  });
  const body = JSON.stringify({ signed: true });
  const request = await signer.sign({
    method: "POST",
    protocol: "http:",
    hostname: target.hostname,
    port: Number(target.port),
    path: target.pathname,
    query: { q: "1" },
    headers: { host: target.host, "content-type": "application/json" },
    body,
  });
  const signed = await fetch(target, { method: "POST", headers: request.headers, body });
  expect(signed.status).toBe(201);
  expect(await signed.json()).toMatchObject({
    body,
    requestContext: { authorizer: { iam: { accessKey: LOCAL_CREDENTIALS.accessKeyId } } },
  });

  const wrong = await fetch(target, { method: "POST", headers: request.headers, body: JSON.stringify({ signed: 0 }) });
  expect(wrong.status).toBe(403);

  const host = new URL(url);
  const viaCurl = curl([
    "--resolve",
    `${host.hostname}:${host.port}:127.0.0.1`,
    "--aws-sigv4",
    `aws:amz:${service.cfg.region}:lambda`,
    "--user",
    `${LOCAL_CREDENTIALS.accessKeyId}:${LOCAL_CREDENTIALS.secretAccessKey}`,
    `${url}echo`,
  ]);
  expect(viaCurl.status).toBe(201);
});

test("RESPONSE_STREAM: fetch reads the first chunk while the function runs, with the prelude's status and headers", async () => {
  const wait = join(work, "first-chunk-read");
  const answer = await fetch(`${urlOf(streamName).pathUrl}?wait=${encodeURIComponent(wait)}`);
  expect(answer.status).toBe(202);
  expect(answer.headers.get("content-type")).toBe("text/plain");
  expect(answer.headers.get("x-streamed")).toBe("yes");
  expect(answer.headers.get("transfer-encoding")).toBe("chunked");
  expect(answer.headers.getSetCookie()).toEqual(["streamed=1"]);
  const reader = answer.body?.getReader();
  if (!reader) throw new Error("no body");
  const decoder = new TextDecoder();
  const first = await reader.read();
  // The function waits for this file before writing the rest: the first chunk came before it ended.
  expect(decoder.decode(first.value)).toBe("first;");
  writeFileSync(wait, "");
  let rest = "";
  for (let next = await reader.read(); !next.done; next = await reader.read()) rest += decoder.decode(next.value);
  expect(rest).toBe("second;third");
  const config = await lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: streamName }));
  expect(config.InvokeMode).toBe("RESPONSE_STREAM");
});
