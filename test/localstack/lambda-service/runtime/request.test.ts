/** The Invoke API's checks of a request payload. */
import { LambdaServiceError } from "#local/lambda-service/runtime/errors";
import { eventTextOf, MAX_REQUEST_BYTES } from "#local/lambda-service/runtime/request";

describe("eventTextOf", () => {
  it("returns the JSON text, and {} for an empty payload", () => {
    expect(eventTextOf(Buffer.from('{"a":1}'))).toBe('{"a":1}');
    expect(eventTextOf(Buffer.alloc(0))).toBe("{}");
  });

  it("refuses a payload over 6 MiB with a 413", () => {
    expect(MAX_REQUEST_BYTES).toBe(6 * 1024 * 1024);
    expect(() => eventTextOf(Buffer.alloc(MAX_REQUEST_BYTES + 1, 0x20))).toThrow(
      expect.objectContaining({ code: "RequestEntityTooLargeException", statusCode: 413 }),
    );
  });

  it("refuses text that is not JSON with a 400 that keeps the parser's error", () => {
    let thrown: unknown;
    try {
      eventTextOf(Buffer.from("{not json"));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(LambdaServiceError);
    expect(thrown).toMatchObject({ code: "InvalidRequestContentException", statusCode: 400 });
    expect((thrown as Error).message).toMatch(/^Could not parse request body into json: /);
    expect((thrown as Error).cause).toBeInstanceOf(SyntaxError);
  });

  it("takes text the service rendered itself as it is, checking only its size in UTF-8 bytes", () => {
    const rendered = '{"records":{"t-0":[]}}';
    expect(eventTextOf(rendered)).toBe(rendered);
    // Not parsed: the service vouches for it.
    expect(eventTextOf("{not json")).toBe("{not json");
    // 2,097,153 three-byte characters: one byte over 6 MiB in UTF-8, a third of it in UTF-16 units.
    expect(() => eventTextOf("€".repeat(2_097_153))).toThrow(
      expect.objectContaining({ code: "RequestEntityTooLargeException", statusCode: 413 }),
    );
    expect(eventTextOf("€".repeat(2_097_152))).toHaveLength(2_097_152);
  });
});
