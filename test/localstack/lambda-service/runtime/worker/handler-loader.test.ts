/**
 * Resolving `_HANDLER` against the task root, and the runtime's errors when that fails (CommonJS fixtures). A
 * missing module (Runtime.ImportModuleError) and ES modules are tested in ../../executor.test.ts, in a real worker:
 * here jest's module loader stands in for Node's, with its own errors and no import().
 */
import { join } from "node:path";
import { loadHandler, resolveExport } from "#local/lambda-service/runtime/worker/handler-loader";

const FIXTURES = join(__dirname, "..", "..", "fixtures");

async function failure(taskRoot: string, handler: string): Promise<Error> {
  try {
    await loadHandler(taskRoot, handler);
  } catch (error) {
    return error as Error;
  }
  throw new Error(`${handler} loaded`);
}

describe("resolveExport", () => {
  it("follows a dotted path, and stops where it breaks off", () => {
    const handler = () => undefined;
    expect(resolveExport({ deep: { handler } }, "deep.handler")).toBe(handler);
    expect(resolveExport({ deep: 1 }, "deep.handler")).toBeUndefined();
    expect(resolveExport(null, "handler")).toBeUndefined();
  });
});

describe("loadHandler", () => {
  it("loads an export of a module under the task root, in a sub-folder too", async () => {
    expect(await (await loadHandler(join(FIXTURES, "ok"), "index.handler"))({}, {} as never, () => undefined)).toEqual({
      ok: true,
    });
    expect(typeof (await loadHandler(join(FIXTURES, "nested"), "lib/handlers/fn.deep.handler"))).toBe("function");
  });

  it("refuses handler names that climb out of the task root or have no export", async () => {
    await expect(failure(FIXTURES, "../ok/index.handler")).resolves.toMatchObject({
      name: "Runtime.MalformedHandlerName",
      message:
        "'../ok/index.handler' is not a valid handler name. Use absolute paths when specifying root directories in handler names.",
    });
    await expect(failure(FIXTURES, "index")).resolves.toMatchObject({
      name: "Runtime.MalformedHandlerName",
      message: "Bad handler",
    });
  });

  it("reports a missing export, or one that is not a function, as Runtime.HandlerNotFound", async () => {
    await expect(failure(join(FIXTURES, "missing-handler"), "index.handler")).resolves.toMatchObject({
      name: "Runtime.HandlerNotFound",
      message: "index.handler is undefined or not exported",
    });
    await expect(failure(join(FIXTURES, "not-a-function"), "index.handler")).resolves.toMatchObject({
      name: "Runtime.HandlerNotFound",
      message: "index.handler is not a function",
    });
  });
});
