/**
 * Loading the handler as AWS's Node.js runtime does: `_HANDLER` is `<module path>.<export path>`, the module is
 * resolved against LAMBDA_TASK_ROOT (CommonJS or ES module, by extension and the nearest package.json "type"), and
 * each failure becomes the runtime's error (MalformedHandlerName, ImportModuleError, UserCodeSyntaxError,
 * HandlerNotFound). Bundled into the worker: Node.js built-ins only.
 */
import { existsSync, readFileSync } from "node:fs";
import { basename, dirname, join, resolve, sep } from "node:path";
import { pathToFileURL } from "node:url";
import type { Handler } from "./context";
import { RuntimeError } from "./errors";

function hasTypeModule(folder: string): boolean {
  if (folder.endsWith(`${sep}node_modules`)) return false;
  const packageJson = join(folder, "package.json");
  if (existsSync(packageJson)) {
    try {
      const parsed = JSON.parse(readFileSync(packageJson, "utf8")) as { type?: unknown };
      return parsed.type === "module";
    } catch {
      return false;
    }
  }
  const parent = dirname(folder);
  return parent === folder ? false : hasTypeModule(parent);
}

async function importFile(file: string): Promise<unknown> {
  return import(pathToFileURL(file).href);
}

async function loadModule(taskRoot: string, moduleRoot: string, moduleName: string): Promise<unknown> {
  const base = resolve(taskRoot, moduleRoot, moduleName);
  if (existsSync(base)) return require(base);
  const typeModule = hasTypeModule(dirname(base));
  if (!typeModule && existsSync(`${base}.js`)) return require(`${base}.js`);
  if (typeModule && existsSync(`${base}.js`)) return importFile(`${base}.js`);
  if (existsSync(`${base}.mjs`)) return importFile(`${base}.mjs`);
  if (existsSync(`${base}.cjs`)) return require(`${base}.cjs`);
  return require(require.resolve(moduleName, { paths: [taskRoot, resolve(taskRoot, moduleRoot)] }));
}

/** The value at a dotted path of a module ("deep.handler"), or undefined where the path breaks off. */
export function resolveExport(moduleValue: unknown, path: string): unknown {
  let value = moduleValue;
  for (const key of path.split(".")) {
    if ((typeof value !== "object" && typeof value !== "function") || value === null) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** A module's load failure as the runtime reports it. */
function loadError(error: unknown): unknown {
  if (error instanceof SyntaxError) {
    const syntaxError = new RuntimeError("UserCodeSyntaxError", String(error), { cause: error });
    syntaxError.stack = error.stack;
    return syntaxError;
  }
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === "MODULE_NOT_FOUND") return new RuntimeError("ImportModuleError", String(error), { cause: error });
  return error;
}

export async function loadHandler(taskRoot: string, fullHandler: string): Promise<Handler> {
  if (fullHandler.includes("..")) {
    throw new RuntimeError(
      "MalformedHandlerName",
      `'${fullHandler}' is not a valid handler name. Use absolute paths when specifying root directories in handler names.`,
    );
  }
  const moduleAndHandler = basename(fullHandler);
  const moduleRoot = fullHandler.slice(0, fullHandler.length - moduleAndHandler.length);
  const match = /^([^.]*)\.(.*)$/.exec(moduleAndHandler);
  const moduleName = match?.[1];
  const exportPath = match?.[2];
  if (moduleName === undefined || exportPath === undefined)
    throw new RuntimeError("MalformedHandlerName", "Bad handler");

  let moduleValue: unknown;
  try {
    moduleValue = await loadModule(taskRoot, moduleRoot, moduleName);
  } catch (error) {
    throw loadError(error);
  }
  const handler = resolveExport(moduleValue, exportPath);
  if (!handler) throw new RuntimeError("HandlerNotFound", `${fullHandler} is undefined or not exported`);
  if (typeof handler !== "function") throw new RuntimeError("HandlerNotFound", `${fullHandler} is not a function`);
  return handler as Handler;
}
