/**
 * Function logs the CloudWatch way: every event goes to `<log group>/<log stream>` in CloudWatch Logs
 * as it happens (flushed every flushMs), and to the service's terminal prefixed by the function name.
 */
import type { CloudWatchLogsClient, CloudWatchLogsClientConfig } from "@aws-sdk/client-cloudwatch-logs";
import type { FunctionSpec, LogEvent, LogSink } from "./types";

/** PutLogEvents limits: 10,000 events and 1,048,576 bytes (each event counts 26 bytes extra). */
const MAX_EVENTS = 10_000;
const MAX_BYTES = 1_048_576;
const MAX_EVENT_BYTES = 256 * 1024 - 26;

interface Pending {
  readonly group: string;
  readonly stream: string;
  events: LogEvent[];
}

export class CloudWatchLogSink implements LogSink {
  private readonly pending = new Map<string, Pending>();
  private readonly created = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  private sdk:
    | Promise<{ client: CloudWatchLogsClient; module: typeof import("@aws-sdk/client-cloudwatch-logs") }>
    | undefined;

  /**
   * @param clientConfig options of the CloudWatch Logs client, which is loaded on the first write (the SDK takes
   *   a good part of a cold start to load).
   */
  constructor(
    private readonly clientConfig: CloudWatchLogsClientConfig,
    private readonly onError: (error: Error) => void,
    private readonly flushMs = 200,
  ) {}

  write(fn: FunctionSpec, logStream: string, event: LogEvent): void {
    const key = `${fn.logGroup}\u0000${logStream}`;
    let p = this.pending.get(key);
    if (!p) {
      p = { group: fn.logGroup, stream: logStream, events: [] };
      this.pending.set(key, p);
    }
    const bytes = Buffer.byteLength(event.message);
    const message =
      bytes > MAX_EVENT_BYTES ? `${event.message.slice(0, MAX_EVENT_BYTES / 4)}… [truncated]` : event.message;
    p.events.push({ timestamp: event.timestamp, message });
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, this.flushMs);
  }

  /** Sends everything buffered so far; resolves when CloudWatch Logs has it. */
  flush(): Promise<void> {
    const batches = [...this.pending.values()].filter((p) => p.events.length > 0);
    this.pending.clear();
    this.flushing = this.flushing.then(async () => {
      await Promise.all(batches.map((b) => this.send(b).catch((error: unknown) => this.onError(error as Error))));
    });
    return this.flushing;
  }

  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.flush();
    if (this.sdk) (await this.sdk).client.destroy();
  }

  private logs() {
    this.sdk ??= import("@aws-sdk/client-cloudwatch-logs").then((module) => ({
      module,
      client: new module.CloudWatchLogsClient(this.clientConfig),
    }));
    return this.sdk;
  }

  private async ensure(group: string, stream: string): Promise<void> {
    const key = `${group}\u0000${stream}`;
    if (this.created.has(key)) return;
    const { client, module } = await this.logs();
    const { CreateLogGroupCommand, CreateLogStreamCommand } = module;
    const ignoreExists = (error: unknown): void => {
      if ((error as Error).name !== "ResourceAlreadyExistsException") throw error;
    };
    if (!this.created.has(group)) {
      await client.send(new CreateLogGroupCommand({ logGroupName: group })).catch(ignoreExists);
      this.created.add(group);
    }
    await client.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: stream })).catch(ignoreExists);
    this.created.add(key);
  }

  private async send(batch: Pending): Promise<void> {
    await this.ensure(batch.group, batch.stream);
    const { client, module } = await this.logs();
    const events = [...batch.events].sort((a, b) => a.timestamp - b.timestamp);
    let chunk: LogEvent[] = [];
    let bytes = 0;
    const put = async (): Promise<void> => {
      if (chunk.length === 0) return;
      await client.send(
        new module.PutLogEventsCommand({ logGroupName: batch.group, logStreamName: batch.stream, logEvents: chunk }),
      );
      chunk = [];
      bytes = 0;
    };
    for (const e of events) {
      const size = Buffer.byteLength(e.message) + 26;
      if (chunk.length >= MAX_EVENTS || bytes + size > MAX_BYTES) await put();
      chunk.push(e);
      bytes += size;
    }
    await put();
  }
}

/** The service terminal's view: `[function] message`, one line per event. */
export class ConsoleLogSink implements LogSink {
  constructor(private readonly out: (line: string) => void = (l) => process.stdout.write(`${l}\n`)) {}

  write(fn: FunctionSpec, _logStream: string, event: LogEvent): void {
    for (const line of event.message.replace(/\n$/, "").split("\n")) this.out(`[${fn.name}] ${line}`);
  }
}

export class TeeLogSink implements LogSink {
  private readonly sinks: readonly LogSink[];

  constructor(...sinks: LogSink[]) {
    this.sinks = sinks;
  }

  write(fn: FunctionSpec, logStream: string, event: LogEvent): void {
    for (const s of this.sinks) s.write(fn, logStream, event);
  }
}
