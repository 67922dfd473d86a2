/**
 * RESPONSE_STREAM function URLs over real HTTP, with real worker processes behind the router: the client reads the
 * first chunk while the handler still runs (the handler waits for a file the client writes on it), the prelude's
 * status, headers and cookies, CORS and AWS_IAM as for a buffered URL, a failure mid-stream cutting the chunked body
 * short, and a handler that is not streamified answered by the buffered mapping.
 */
import { writeFileSync } from "node:fs";
import { createServer, type IncomingHttpHeaders, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { FunctionUrlRouter } from "#local/lambda-service/urls/server";
import { type FunctionUrlSpec, urlIdOf } from "#local/lambda-service/urls/url-spec";
import { spec, useExecutors } from "../runtime/executor-harness";

jest.setTimeout(60_000);

const { newExecutor, stateDir } = useExecutors();
const region = "us-east-1";
const accountId = "000000000000";

function streamUrl(functionName: string, extra: Partial<FunctionUrlSpec> = {}): FunctionUrlSpec {
  return {
    stackName: "s",
    logicalId: `${functionName}Url`,
    functionName,
    urlId: urlIdOf(accountId, region, functionName),
    authType: "NONE",
    invokeMode: "RESPONSE_STREAM",
    ...extra,
  };
}

const urls = [
  streamUrl("streams", {
    cors: {
      allowCredentials: false,
      allowHeaders: [],
      allowMethods: ["POST"],
      allowOrigins: ["https://app.example"],
      exposeHeaders: [],
    },
  }),
  streamUrl("stream-prelude"),
  streamUrl("stream-throws"),
  streamUrl("ok"),
  streamUrl("private", { authType: "AWS_IAM" }),
];

let server: Server;
let port = 0;
beforeAll(async () => {
  const { executor } = newExecutor([
    spec("streams", "streams"),
    spec("stream-prelude", "stream-prelude"),
    spec("stream-throws", "stream-throws"),
    spec("ok", "ok"),
    spec("private", "streams"),
  ]);
  const router = new FunctionUrlRouter({
    backend: {
      region,
      accountId,
      functionUrls: () => urls,
      invoke: (name, payload, options) => executor.invoke(name, payload, options),
    },
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  });
  server = createServer((req, res) => {
    const match = router.match(req);
    if (match) void router.serve(req, res, match);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

interface Received {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  /** In order: "data <text>" per chunk read, then "end" or "error <message>". */
  readonly events: string[];
  readonly body: Buffer;
}

/** POSTs to the URL's path form and records the response's chunks as they are read. */
function call(
  functionName: string,
  body: unknown,
  headers: Record<string, string> = {},
  onData?: (chunk: Buffer) => void,
): Promise<Received> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        method: "POST",
        path: `/lambda-url/${urlIdOf(accountId, region, functionName)}/`,
        headers: { "content-type": "application/json", ...headers },
      },
      (res) => {
        const events: string[] = [];
        const chunks: Buffer[] = [];
        const done = () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, events, body: Buffer.concat(chunks) });
        res.on("data", (chunk: Buffer) => {
          chunks.push(chunk);
          events.push(`data ${chunk.toString("latin1")}`);
          onData?.(chunk);
        });
        res.on("end", () => {
          events.push("end");
          done();
        });
        res.on("error", (error) => {
          events.push(`error ${error.message}`);
          done();
        });
      },
    );
    req.on("error", reject);
    req.end(JSON.stringify(body));
  });
}

describe("RESPONSE_STREAM function URLs", () => {
  test("the client reads chunks while the handler runs, chunked, with the URL's CORS headers", async () => {
    const waitFile = join(stateDir(), "client-saw-a-chunk");
    const received = await call("streams", { pauseMs: 10, waitFile }, { origin: "https://app.example" }, () =>
      writeFileSync(waitFile, ""),
    );
    expect(received.status).toBe(200);
    expect(received.headers["transfer-encoding"]).toBe("chunked");
    expect(received.headers["content-length"]).toBeUndefined();
    expect(received.headers["content-type"]).toBe("text/plain");
    expect(received.headers["access-control-allow-origin"]).toBe("https://app.example");
    expect(received.headers["x-amzn-requestid"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(received.body.toString()).toBe("one two three");
    expect(received.events.at(-1)).toBe("end");
  });

  test("the prelude sets status, headers and cookies; the body keeps every byte", async () => {
    const received = await call("stream-prelude", {});
    expect(received.status).toBe(201);
    expect(received.headers["content-type"]).toBe("text/csv");
    expect(received.headers["x-custom"]).toBe("yes");
    expect(received.headers["set-cookie"]).toEqual(["a=1", "b=2"]);
    expect(received.body).toEqual(
      Buffer.concat([Buffer.from("id,name\n"), Buffer.from([0x00, 0xff, 0x0a]), Buffer.from("1,x\n")]),
    );
  });

  test("an error mid-stream: the chunks so far, then the connection ends without the last chunk", async () => {
    const received = await call("stream-throws", {});
    expect(received.status).toBe(200);
    expect(received.events[0]).toBe("data partial");
    expect(received.events.at(-1)).toMatch(/^error /);
  });

  test("a handler that is not streamified is answered by the buffered mapping", async () => {
    const received = await call("ok", {});
    expect(received.status).toBe(200);
    expect(received.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(received.body.toString())).toEqual({ ok: true });
  });

  test("AWS_IAM still refuses an unsigned request", async () => {
    const received = await call("private", {});
    expect(received.status).toBe(403);
  });
});
