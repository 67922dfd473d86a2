/**
 * A RESPONSE_STREAM URL's answer without HTTP: the prelude read as AWS reads it (bytes declared by hand), the head
 * held back until the delimiter and the first body bytes, and how a failure ends the answer.
 */
import type { InvokeResult } from "#local/lambda-service/types";
import { badGateway, type UrlResponse } from "#local/lambda-service/urls/response";
import {
  PRELUDE_DELIMITER,
  parsePrelude,
  type StreamTarget,
  UrlStreamWriter,
} from "#local/lambda-service/urls/stream-response";

const PRELUDE_TYPE = "application/vnd.awslambda.http-integration-response";

function target(): { calls: string[]; target: StreamTarget } {
  const calls: string[] = [];
  return {
    calls,
    target: {
      writeHead: (head) => calls.push(`head ${JSON.stringify(head)}`),
      write: (data) => calls.push(`write ${data.toString("latin1")}`),
      answer: (response: UrlResponse) => calls.push(`answer ${response.statusCode}`),
      end: () => calls.push("end"),
      abort: () => calls.push("abort"),
    },
  };
}

const ok = {
  requestId: "r",
  payload: Buffer.alloc(0),
  logTail: "",
  durationMs: 1,
  billedDurationMs: 1,
  maxMemoryUsedMb: 1,
};
const failed: InvokeResult = { ...ok, functionError: "Unhandled" };

describe("parsePrelude", () => {
  test("status, lower-cased headers and cookies", () => {
    const json = Buffer.from('{"statusCode":201,"headers":{"Content-Type":"text/csv","X-N":3},"cookies":["a=1"]}');
    expect(parsePrelude(json)).toEqual({
      statusCode: 201,
      headers: { "content-type": "text/csv", "x-n": "3" },
      cookies: ["a=1"],
    });
  });

  test("200 and application/octet-stream when it says nothing", () => {
    expect(parsePrelude(Buffer.from("{}"))).toEqual({
      statusCode: 200,
      headers: { "content-type": "application/octet-stream" },
      cookies: [],
    });
  });

  test.each(["not json", "[]", '{"statusCode":99}', '{"headers":{"a":{}}}', '{"cookies":[1]}'])(
    "refuses %s",
    (text) => {
      expect(parsePrelude(Buffer.from(text))).toBeUndefined();
    },
  );
});

describe("UrlStreamWriter", () => {
  test("a plain stream: 200 with its content type, sent with the first bytes", () => {
    const { calls, target: t } = target();
    const writer = new UrlStreamWriter(t, badGateway);
    writer.start("text/plain");
    expect(calls).toEqual([]);
    writer.chunk(Buffer.from("one"));
    writer.chunk(Buffer.from("two"));
    expect(writer.finish(ok)).toBe(true);
    expect(calls).toEqual([
      'head {"statusCode":200,"headers":{"content-type":"text/plain"},"cookies":[]}',
      "write one",
      "write two",
      "end",
    ]);
  });

  test("a prelude split across chunks: the head once the 8 NUL bytes came, then the body", () => {
    const { calls, target: t } = target();
    const writer = new UrlStreamWriter(t, badGateway);
    writer.start(PRELUDE_TYPE);
    // {"statusCode":404} then the delimiter, cut in the middle of both.
    writer.chunk(Buffer.from([0x7b, 0x22, 0x73, 0x74, 0x61, 0x74, 0x75, 0x73]));
    writer.chunk(Buffer.concat([Buffer.from('Code":404}'), Buffer.from([0, 0, 0])]));
    expect(calls).toEqual([]);
    writer.chunk(Buffer.concat([Buffer.from([0, 0, 0, 0, 0]), Buffer.from("gone")]));
    writer.finish(ok);
    expect(calls).toEqual([
      'head {"statusCode":404,"headers":{"content-type":"application/octet-stream"},"cookies":[]}',
      "write gone",
      "end",
    ]);
  });

  test("the delimiter is 8 NUL bytes", () => {
    expect(PRELUDE_DELIMITER).toEqual(Buffer.from([0, 0, 0, 0, 0, 0, 0, 0]));
  });

  test("a stream with no bytes still sends its head", () => {
    const { calls, target: t } = target();
    const writer = new UrlStreamWriter(t, badGateway);
    writer.start("text/plain");
    writer.finish(ok);
    expect(calls).toEqual(['head {"statusCode":200,"headers":{"content-type":"text/plain"},"cookies":[]}', "end"]);
  });

  test("a failure before any byte is AWS's 502; after, the answer is cut short", () => {
    const before = target();
    const quiet = new UrlStreamWriter(before.target, badGateway);
    quiet.start("text/plain");
    quiet.finish(failed);
    expect(before.calls).toEqual(["answer 502"]);

    const after = target();
    const partial = new UrlStreamWriter(after.target, badGateway);
    partial.start("text/plain");
    partial.chunk(Buffer.from("partial"));
    partial.finish(failed);
    expect(after.calls).toEqual([
      'head {"statusCode":200,"headers":{"content-type":"text/plain"},"cookies":[]}',
      "write partial",
      "abort",
    ]);
  });

  test("an unreadable prelude or one never finished is a 502", () => {
    const bad = target();
    const unreadable = new UrlStreamWriter(bad.target, badGateway);
    unreadable.start(PRELUDE_TYPE);
    unreadable.chunk(Buffer.concat([Buffer.from("nope"), PRELUDE_DELIMITER, Buffer.from("body")]));
    unreadable.finish(ok);
    expect(bad.calls).toEqual(["answer 502"]);

    const short = target();
    const unfinished = new UrlStreamWriter(short.target, badGateway);
    unfinished.start(PRELUDE_TYPE);
    unfinished.chunk(Buffer.from('{"statusCode":200}'));
    unfinished.finish(ok);
    expect(short.calls).toEqual(["answer 502"]);
  });

  test("a handler that did not stream leaves its result to the buffered mapping", () => {
    const { calls, target: t } = target();
    expect(new UrlStreamWriter(t, badGateway).finish(ok)).toBe(false);
    expect(calls).toEqual([]);
  });
});
