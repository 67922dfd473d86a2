/** The worker's errors in the shapes of AWS's Node.js runtime. */
import {
  formatError,
  intoError,
  nodeJsExitError,
  RuntimeError,
  toErrorPayload,
  UnhandledPromiseRejection,
} from "#local/lambda-service/runtime/worker/errors";

describe("worker errors", () => {
  it("names the runtime's own errors Runtime.<name>, keeping the cause", () => {
    const cause = new Error("underlying");
    const error = new RuntimeError("HandlerNotFound", "index.handler is undefined or not exported", { cause });
    expect(error.name).toBe("Runtime.HandlerNotFound");
    expect(error.cause).toBe(cause);
    expect(nodeJsExitError().name).toBe("Runtime.NodeJsExit");
  });

  it("words an unhandled rejection by its reason", () => {
    const rejection = new UnhandledPromiseRejection(new Error("nope"), Promise.resolve());
    expect(rejection.name).toBe("Runtime.UnhandledPromiseRejection");
    expect(rejection.message).toBe("Error: nope");
  });

  it("makes the invoke payload of an error, or of anything thrown", () => {
    const error = new TypeError("bad type");
    expect(toErrorPayload(error)).toEqual({
      errorType: "TypeError",
      errorMessage: "bad type",
      trace: (error.stack ?? "").split("\n"),
    });
    expect(toErrorPayload("just text")).toEqual({ errorType: "string", errorMessage: "just text", trace: [] });
    const errorLike = { name: "Custom", message: "looks like one", stack: "Custom: looks like one\n    at x" };
    expect(toErrorPayload(errorLike)).toEqual({
      errorType: "Custom",
      errorMessage: "looks like one",
      trace: ["Custom: looks like one", "    at x"],
    });
  });

  it("turns anything thrown into an Error", () => {
    const error = new Error("kept");
    expect(intoError(error)).toBe(error);
    expect(intoError(42)).toMatchObject({ message: "42" });
  });

  it("logs an error as a tab and JSON with its enumerable properties and its stack as lines", () => {
    const error = Object.assign(new Error("disk full"), { code: "ENOSPC", path: "/tmp/x" });
    const text = formatError(error);
    expect(text.startsWith("\t")).toBe(true);
    expect(JSON.parse(text.slice(1))).toEqual({
      errorType: "Error",
      errorMessage: "disk full",
      code: "ENOSPC",
      path: "/tmp/x",
      stack: (error.stack ?? "").split("\n"),
    });
  });
});
