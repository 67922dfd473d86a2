/** Which Node.js runs a function, with which flags, and the compiled worker bootstrap. */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  ensureWorkerScript,
  majorOf,
  type NodeBinarySources,
  runtimeMajor,
  selectNodeBinary,
  workerArgs,
} from "#local/lambda-service/runtime/node-runtime";

describe("versions", () => {
  it("reads the major of a Node.js version and of a Lambda runtime", () => {
    expect(majorOf("v22.3.0")).toBe("22");
    expect(majorOf("20.11.1")).toBe("20");
    expect(majorOf("latest")).toBeUndefined();
    expect(runtimeMajor("nodejs22.x")).toBe("22");
    expect(runtimeMajor("python3.12")).toBeUndefined();
    expect(runtimeMajor("nodejs22")).toBeUndefined();
  });
});

describe("selectNodeBinary", () => {
  const sources: NodeBinarySources = {
    current: { version: "20.11.1", execPath: "/usr/bin/node20" },
    installed: (major) => (major === "22" ? "/npm/node22/bin/node" : undefined),
  };
  const fn = (runtime: string) => ({ name: "fn", runtime });

  it("prefers a configured binary, then this process's, then an installed one", () => {
    expect(selectNodeBinary(fn("nodejs22.x"), { ...sources, configured: { "22": "/opt/node22" } })).toBe("/opt/node22");
    expect(selectNodeBinary(fn("nodejs20.x"), sources)).toBe("/usr/bin/node20");
    expect(selectNodeBinary(fn("nodejs22.x"), sources)).toBe("/npm/node22/bin/node");
  });

  it("refuses runtimes other than Node.js", () => {
    expect(() => selectNodeBinary(fn("python3.12"), sources)).toThrow(
      expect.objectContaining({
        code: "InvalidRuntimeException",
        statusCode: 502,
        message: "fn: runtime python3.12 is not supported locally (only nodejs<major>.x)",
      }),
    );
  });

  it("says how to install a missing major", () => {
    expect(() => selectNodeBinary(fn("nodejs18.x"), sources)).toThrow(
      expect.objectContaining({
        code: "InvalidRuntimeException",
        message:
          "fn: runtime nodejs18.x needs a Node.js 18 binary, and this is Node.js 20.11.1. Install one with " +
          "`npm install --save-dev node@18`, or run on Node.js 18.",
      }),
    );
  });
});

describe("workerArgs", () => {
  it("sizes V8's heap as AWS's bootstrap does: semi space memory/20, old space memory - memory/10", () => {
    expect(workerArgs(128, "/run/lambda-worker.js")).toEqual([
      "--expose-gc",
      "--max-http-header-size",
      "81920",
      "--max-semi-space-size=6",
      "--max-old-space-size=116",
      "/run/lambda-worker.js",
    ]);
    expect(workerArgs(1024, "w.js")).toEqual(
      expect.arrayContaining(["--max-semi-space-size=51", "--max-old-space-size=922"]),
    );
    expect(workerArgs(10, "w.js")).toEqual(
      expect.arrayContaining(["--max-semi-space-size=1", "--max-old-space-size=9"]),
    );
  });
});

describe("ensureWorkerScript", () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "sluice-worker-script-"));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it("compiles the entry and every module it imports into one runnable file, once per run dir", () => {
    mkdirSync(join(dir, "src", "parts"), { recursive: true });
    writeFileSync(join(dir, "src", "parts", "greeting.ts"), 'export const greeting: string = "hello from a part";\n');
    writeFileSync(
      join(dir, "src", "entry.ts"),
      'import { greeting } from "./parts/greeting";\nconsole.log(greeting);\n',
    );
    const bootstrap = { source: join(dir, "src", "entry.ts"), prebuilt: join(dir, "src", "prebuilt.js") };
    const script = ensureWorkerScript(join(dir, "run"), bootstrap);
    expect(script).toBe(join(dir, "run", "lambda-worker.js"));
    rmSync(join(dir, "src"), { recursive: true });
    expect(execFileSync(process.execPath, [script], { encoding: "utf8" })).toBe("hello from a part\n");
    expect(ensureWorkerScript(join(dir, "run"), bootstrap)).toBe(script);
  });

  it("in a later process, rebuilds when any imported module is newer than the build, and only then", () => {
    // A fresh copy of the module stands for a later process: its once-per-process cache is empty.
    const laterProcess = (): typeof ensureWorkerScript => {
      let fresh: typeof ensureWorkerScript | undefined;
      jest.isolateModules(() => {
        fresh = (
          require("#local/lambda-service/runtime/node-runtime") as {
            ensureWorkerScript: typeof ensureWorkerScript;
          }
        ).ensureWorkerScript;
      });
      if (!fresh) throw new Error("node-runtime did not load");
      return fresh;
    };
    const part = join(dir, "src", "part.ts");
    mkdirSync(join(dir, "src"));
    writeFileSync(part, 'export const word: string = "first";\n');
    writeFileSync(join(dir, "src", "entry.ts"), 'import { word } from "./part";\nconsole.log(word);\n');
    const bootstrap = { source: join(dir, "src", "entry.ts"), prebuilt: join(dir, "none.js") };
    const runDir = join(dir, "run");
    const script = ensureWorkerScript(runDir, bootstrap);
    // Whole seconds: a file time in milliseconds is a float, exact only when it has no fraction of a second.
    const past = new Date((Math.floor(Date.now() / 1000) - 60) * 1000);
    utimesSync(script, past, past);
    utimesSync(part, new Date(past.getTime() - 60_000), new Date(past.getTime() - 60_000));
    utimesSync(bootstrap.source, new Date(past.getTime() - 60_000), new Date(past.getTime() - 60_000));

    laterProcess()(runDir, bootstrap);
    expect(statSync(script).mtimeMs).toBe(past.getTime());

    writeFileSync(part, 'export const word: string = "second";\n');
    laterProcess()(runDir, bootstrap);
    expect(execFileSync(process.execPath, [script], { encoding: "utf8" })).toBe("second\n");
  });

  it("uses the prebuilt bootstrap when there is no source, and names both when neither exists", () => {
    writeFileSync(join(dir, "prebuilt.js"), "");
    const prebuilt = { source: join(dir, "worker.ts"), prebuilt: join(dir, "prebuilt.js") };
    expect(ensureWorkerScript(join(dir, "run-a"), prebuilt)).toBe(join(dir, "prebuilt.js"));
    const missing = { source: join(dir, "worker.ts"), prebuilt: join(dir, "missing.js") };
    expect(() => ensureWorkerScript(join(dir, "run-b"), missing)).toThrow(
      `the Lambda worker bootstrap is missing: neither ${join(dir, "worker.ts")} nor ${join(dir, "missing.js")}`,
    );
  });

  it("keeps esbuild's error as the cause when the bootstrap does not compile", () => {
    writeFileSync(join(dir, "broken.ts"), "export const = ;\n");
    const broken = { source: join(dir, "broken.ts"), prebuilt: join(dir, "none.js") };
    let thrown: unknown;
    try {
      ensureWorkerScript(join(dir, "run-c"), broken);
    } catch (error) {
      thrown = error;
    }
    expect((thrown as Error).message).toBe(
      `could not compile the Lambda worker bootstrap ${join(dir, "broken.ts")} with esbuild`,
    );
    // esbuild's BuildFailure, with the compiler's messages.
    expect((thrown as { cause?: { errors?: unknown[] } }).cause?.errors?.length).toBeGreaterThan(0);
  });
});
