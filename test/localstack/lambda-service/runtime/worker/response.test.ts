/** A handler's result as the invocation's last frame. */
import { MAX_RESPONSE_BYTES } from "#local/lambda-service/runtime/protocol";
import { responseBody, resultFrame } from "#local/lambda-service/runtime/worker/response";

const mem = { rssKb: 40_000, maxRssKb: 50_000 };

describe("responseBody", () => {
  it("serialises the result, undefined as null", () => {
    expect(responseBody({ a: [1, "b"] })).toBe('{"a":[1,"b"]}');
    expect(responseBody(undefined)).toBe("null");
    expect(responseBody("text")).toBe('"text"');
  });

  it("refuses what JSON cannot represent, keeping the cause", () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    let thrown: unknown;
    try {
      responseBody(circular);
    } catch (error) {
      thrown = error;
    }
    expect((thrown as Error).message).toBe("Unable to stringify response body");
    expect((thrown as Error).cause).toBeInstanceOf(TypeError);
  });
});

describe("resultFrame", () => {
  it("sends the body as done", () => {
    expect(resultFrame("id-1", '{"ok":true}', mem)).toEqual({ t: "done", id: "id-1", payload: '{"ok":true}', mem });
  });

  it("fails a body over Lambda's 6 MB response limit", () => {
    const body = JSON.stringify("x".repeat(MAX_RESPONSE_BYTES));
    expect(resultFrame("id-2", body, mem)).toEqual({
      t: "fail",
      id: "id-2",
      error: {
        errorType: "Function.ResponseSizeTooLarge",
        errorMessage: "Response payload size exceeded maximum allowed payload size (6291556 bytes).",
      },
      mem,
    });
  });
});
