/**
 * What the tests that run real worker processes share: fixture specs, a log sink that keeps what it is given, a
 * temporary state directory, and executors that are closed after the file's tests. Not a test file itself.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FunctionExecutor, type FunctionExecutorOptions } from "#local/lambda-service/executor";
import type { FunctionSpec, InvokeResult, LogEvent, LogSink } from "#local/lambda-service/types";

export const FIXTURES = join(__dirname, "..", "fixtures");
export const REGION = "eu-west-1";
export const ISO = String.raw`\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z`;
export const UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
export const LOG_STREAM = /^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/;

interface SinkRecord {
  readonly fn: string;
  readonly logStream: string;
  readonly event: LogEvent;
}

export class MemorySink implements LogSink {
  readonly records: SinkRecord[] = [];
  onWrite: ((record: SinkRecord) => void) | undefined;

  write(fn: FunctionSpec, logStream: string, event: LogEvent): void {
    const record = { fn: fn.name, logStream, event };
    this.records.push(record);
    this.onWrite?.(record);
  }

  /** The messages of one invocation, START to REPORT. */
  invocation(requestId: string): string[] {
    const messages = this.records.map((record) => record.event.message);
    const start = messages.indexOf(`START RequestId: ${requestId} Version: $LATEST`);
    const end = messages.findIndex((message) => message.startsWith(`REPORT RequestId: ${requestId}\t`));
    if (start < 0 || end < 0) throw new Error(`no complete log for ${requestId}`);
    return messages.slice(start, end + 1);
  }

  of(fn: string): string[] {
    return this.records.filter((record) => record.fn === fn).map((record) => record.event.message);
  }
}

export function spec(name: string, fixture: string, overrides: Partial<FunctionSpec> = {}): FunctionSpec {
  return {
    name,
    stackName: "sluice-test",
    logicalId: name.replace(/[^A-Za-z0-9]/g, ""),
    handler: "index.handler",
    runtime: "nodejs22.x",
    architecture: "arm64",
    codeDir: join(FIXTURES, fixture),
    layerDirs: [],
    environment: {},
    timeoutSeconds: 3,
    memoryMb: 128,
    logGroup: `/aws/lambda/${name}`,
    logging: { format: "Text" },
    codeSha256: `${fixture}-1`,
    ...overrides,
  };
}

export const json = (result: InvokeResult): unknown => JSON.parse(result.payload.toString("utf8"));
export const event = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));

export const REPORT = (requestId: string, status = "\t") =>
  new RegExp(
    `^REPORT RequestId: ${requestId}\\tDuration: \\d+\\.\\d{2} ms\\tBilled Duration: \\d+ ms\\tMemory Size: 128 MB\\t` +
      `Max Memory Used: \\d+ MB(\\tInit Duration: \\d+\\.\\d{2} ms)?${status.replace(/\./g, "\\.")}$`,
  );

export interface Harness {
  /** The temporary state directory (set in beforeAll). */
  readonly stateDir: () => string;
  readonly newExecutor: (
    functions: FunctionSpec[],
    options?: Partial<FunctionExecutorOptions>,
  ) => { executor: FunctionExecutor; sink: MemorySink };
}

/** Registers the file's beforeAll/afterAll: a fresh state directory, and every executor closed at the end. */
export function useExecutors(): Harness {
  let stateDir: string | undefined;
  const executors: FunctionExecutor[] = [];
  const currentStateDir = (): string => {
    if (!stateDir) throw new Error("the state directory is made in beforeAll");
    return stateDir;
  };

  beforeAll(() => {
    stateDir = mkdtempSync(join(tmpdir(), "sluice-lambda-test-"));
  });

  afterAll(async () => {
    await Promise.all(executors.map((executor) => executor.close()));
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
  });

  const newExecutor = (functions: FunctionSpec[], options: Partial<FunctionExecutorOptions> = {}) => {
    const sink = new MemorySink();
    const executor = new FunctionExecutor({
      functions,
      runDir: join(currentStateDir(), "run"),
      baseEnv: {
        AWS_REGION: REGION,
        AWS_ACCESS_KEY_ID: "test-key",
        AWS_SECRET_ACCESS_KEY: "test-secret",
        AWS_ENDPOINT_URL: "http://127.0.0.1:4566",
      },
      logSink: sink,
      ...options,
    });
    executors.push(executor);
    return { executor, sink };
  };
  return { stateDir: currentStateDir, newExecutor };
}
