/**
 * InvokeWithResponseStream over HTTP with real worker processes, read by the AWS SDK (which checks every event
 * stream frame's CRCs): PayloadChunks arrive while the handler still runs (it waits for a file the test writes on
 * the first one), InvokeComplete ends the stream with the error or the log tail, a handler that is not streamified
 * is one chunk, and an unknown function is refused before any event. The event stream framing is checked by hand.
 */
import { writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { crc32 } from "node:zlib";
import { InvokeWithResponseStreamCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { LambdaApiServer } from "#local/lambda-service/api";
import { encodeMessage } from "#local/lambda-service/api/event-stream";
import { spec, useExecutors } from "../runtime/executor-harness";

jest.setTimeout(60_000);

const { newExecutor, stateDir } = useExecutors();
const functions = [spec("streams", "streams"), spec("stream-throws", "stream-throws"), spec("ok", "ok")];

let api: LambdaApiServer;
let client: LambdaClient;
beforeAll(async () => {
  const { executor } = newExecutor(functions);
  api = new LambdaApiServer({
    backend: {
      region: "us-east-1",
      accountId: "000000000000",
      functions: () => functions,
      invoke: (name, payload, options) => executor.invoke(name, payload, options),
      mappings: () => [],
      updateMapping: () => Promise.reject(new Error("no mappings")),
      functionUrls: () => [],
    },
    upstream: new URL("http://127.0.0.1:9"),
    host: "127.0.0.1",
    port: 0,
    log: () => undefined,
  });
  const { port } = (await api.listen()) as AddressInfo;
  client = new LambdaClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: "us-east-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  });
});
afterAll(async () => {
  client.destroy();
  await api.close();
});

/** Reads the stream: "chunk <text>" per PayloadChunk, then the InvokeComplete. */
async function read(functionName: string, payload: unknown, onChunk?: () => void, logType?: "Tail") {
  const answer = await client.send(
    new InvokeWithResponseStreamCommand({
      FunctionName: functionName,
      Payload: Buffer.from(JSON.stringify(payload)),
      ...(logType ? { LogType: logType } : {}),
    }),
  );
  const events: string[] = [];
  let complete: Record<string, unknown> | undefined;
  for await (const event of answer.EventStream ?? []) {
    if (event.PayloadChunk?.Payload) {
      events.push(`chunk ${Buffer.from(event.PayloadChunk.Payload).toString()}`);
      onChunk?.();
    }
    if (event.InvokeComplete) complete = { ...event.InvokeComplete };
  }
  return { answer, events, complete };
}

describe("InvokeWithResponseStream", () => {
  test("chunks arrive while the handler runs, then InvokeComplete", async () => {
    const waitFile = join(stateDir(), "sdk-saw-a-chunk");
    const { answer, events, complete } = await read("streams", { pauseMs: 10, waitFile }, () =>
      writeFileSync(waitFile, ""),
    );
    expect(answer.StatusCode).toBe(200);
    expect(answer.ResponseStreamContentType).toBe("text/plain");
    expect(answer.ExecutedVersion).toBe("$LATEST");
    expect(events).toEqual(["chunk one ", "chunk two ", "chunk three"]);
    expect(complete).toEqual({});
  });

  test("an error mid-stream: the chunks so far, then InvokeComplete with the error and the log tail", async () => {
    const { events, complete } = await read("stream-throws", {}, undefined, "Tail");
    expect(events).toEqual(["chunk partial"]);
    expect(complete).toMatchObject({ ErrorCode: "Error", ErrorDetails: "broke mid-stream" });
    expect(Buffer.from(String(complete?.LogResult), "base64").toString()).toContain("broke mid-stream");
  });

  test("a handler that is not streamified is one chunk", async () => {
    const { events } = await read("ok", {});
    expect(events).toEqual(['chunk {"ok":true}']);
  });

  test("an unknown function is refused before any event", async () => {
    await expect(read("missing", {})).rejects.toMatchObject({ name: "ResourceNotFoundException" });
  });
});

describe("encodeMessage", () => {
  test("lengths, CRCs and string headers in AWS's layout", () => {
    const message = encodeMessage({ ":a": "bc" }, Buffer.from("xyz"));
    // header: name length 2, ":a", type 7 (string), value length 0x0002, "bc"
    const header = [0x02, 0x3a, 0x61, 0x07, 0x00, 0x02, 0x62, 0x63];
    const total = 12 + header.length + 3 + 4;
    const prelude = Buffer.from([0, 0, 0, total, 0, 0, 0, header.length]);
    const preludeCrc = Buffer.alloc(4);
    preludeCrc.writeUInt32BE(crc32(prelude));
    const body = Buffer.concat([prelude, preludeCrc, Buffer.from(header), Buffer.from("xyz")]);
    const messageCrc = Buffer.alloc(4);
    messageCrc.writeUInt32BE(crc32(body));
    expect(message).toEqual(Buffer.concat([body, messageCrc]));
  });
});
