/**
 * The local Lambda service: runs the functions and self-managed Kafka event-source mappings of the
 * cloud assembly that was deployed locally, serves the Lambda API on the public endpoint (passing
 * everything else to LocalStack), and reloads what changed when the assembly is synthesized again.
 */
import { existsSync, statSync, unwatchFile, watchFile } from "node:fs";
import { join } from "node:path";
import type { CloudFormationClient } from "@aws-sdk/client-cloudformation";
import type { S3Client } from "@aws-sdk/client-s3";
import type { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { SNSClient } from "@aws-sdk/client-sns";
import type { SQSClient } from "@aws-sdk/client-sqs";
import { lazy } from "#shared/lazy";
import { LOCAL_CREDENTIALS, type LocalConfig } from "../config";
import { LambdaApiServer, type LambdaBackend, type MappingUpdate, type MappingView } from "./api";
import { type DeployedState, loadAssembly, readAssembly } from "./assembly";
import { type AsyncInvocation, createAsyncInvocation } from "./async/async-invocation";
import type { FailureSink } from "./esm/destinations";
import type { KafkaEventSourcePoller, PollerMetrics } from "./esm/poller";
import { FunctionExecutor, type FunctionStats } from "./executor";
import { CloudWatchLogSink, ConsoleLogSink, TeeLogSink } from "./logs";
import type { LocalScheduler, ScheduleStatus } from "./schedules/scheduler";
import { serviceScheduler } from "./schedules/wiring";
import type { FunctionSpec, InvokeOptions, InvokeResult, KafkaMappingSpec, LogSink } from "./types";
import { formatReport, type UnhonouredReport } from "./unhonoured";
import { FunctionUrlRouter, localFunctionUrl, localFunctionUrlPathForm } from "./urls/server";
import type { FunctionUrlSpec } from "./urls/url-spec";

async function loadEsmModules() {
  // require, not import(): these are this package's own CommonJS modules (and esbuild keeps them lazy).
  const kafkajs = await import("kafkajs");
  const destinations = require("./esm/destinations") as typeof import("./esm/destinations");
  const kafkaClient = require("./esm/kafka-client") as typeof import("./esm/kafka-client");
  const poller = require("./esm/poller") as typeof import("./esm/poller");
  const kafkaSecret = require("../support/kafka-secret") as typeof import("../support/kafka-secret");
  return {
    Kafka: kafkajs.Kafka,
    createFailureSink: destinations.createFailureSink,
    mappingKafkaConfig: kafkaClient.mappingKafkaConfig,
    mappingKafkaConfigFactory: kafkaClient.mappingKafkaConfigFactory,
    readKafkaSecret: kafkaSecret.readKafkaSecret,
    KafkaEventSourcePoller: poller.KafkaEventSourcePoller,
  };
}

interface Clients {
  readonly cfnModule: typeof import("@aws-sdk/client-cloudformation");
  readonly cfn: CloudFormationClient;
  readonly secrets: SecretsManagerClient;
  readonly s3: S3Client;
  readonly sqs: SQSClient;
  readonly sns: SNSClient;
  readonly esm: Awaited<ReturnType<typeof loadEsmModules>>;
}

export type ServiceLog = (
  level: "debug" | "info" | "warn" | "error",
  message: string,
  fields?: Record<string, unknown>,
) => void;

interface RunningMapping {
  spec: KafkaMappingSpec;
  poller: KafkaEventSourcePoller;
  failureSink?: FailureSink;
  lastModified: Date;
  /** Set while a failed start waits to be tried again. */
  retryTimer?: NodeJS.Timeout;
}

export interface ServiceStatus {
  readonly endpoint: string;
  readonly assembly: string;
  readonly loadedAt?: string;
  readonly loadError?: string;
  /** What the last reload changed, e.g. "function reloaded: x", "mapping restarted: topic → x". */
  readonly lastReload: readonly string[];
  readonly functions: Array<{ name: string; runtime: string; stats?: FunctionStats }>;
  readonly mappings: Array<{ uuid: string; functionName: string; topics: readonly string[]; metrics: PollerMetrics }>;
  /** Each function URL, in its host form and its path form. */
  readonly urls?: Array<{ functionName: string; authType: string; url: string; pathUrl: string }>;
  /** Schedules and scheduled rules, each with its next firing. */
  readonly schedules: readonly ScheduleStatus[];
  /** What the assembly asks for that the service does not honour, by name. */
  readonly unhonoured: readonly UnhonouredReport[];
  /** Asynchronous events queued or being tried. */
  readonly asyncEventsPending: number;
}

export interface LambdaServiceOptions {
  readonly cfg: LocalConfig;
  readonly log: ServiceLog;
  /** Print function output to this process's stdout, prefixed by function name. Default true. */
  readonly echoFunctionLogs?: boolean;
  /** Reload automatically when the assembly's manifest changes. Default true. */
  readonly watch?: boolean;
}

export class LambdaService implements LambdaBackend {
  readonly region: string;
  readonly accountId: string;
  private functionSpecs = new Map<string, FunctionSpec>();
  private urlSpecs: readonly FunctionUrlSpec[] = [];
  private readonly mappingsByUuid = new Map<string, RunningMapping>();
  private readonly executor: FunctionExecutor;
  private readonly api: LambdaApiServer;
  private readonly logSink: CloudWatchLogSink;
  private readonly sdk: {
    endpoint: string;
    region: string;
    credentials: typeof LOCAL_CREDENTIALS;
    forcePathStyle: boolean;
  };
  /** The SDK clients and the event-source modules, loaded on first need (a failed load is tried again). */
  private readonly clientsOnce = lazy(() => this.loadClients());
  private loadedAt: Date | undefined;
  private loadError: string | undefined;
  private reloading: Promise<void> = Promise.resolve();
  private manifestMtime = 0;
  private lastReload: string[] = [];
  private unhonoured: UnhonouredReport[] = [];
  private readonly scheduler: LocalScheduler;
  readonly asyncInvocation: AsyncInvocation;

  constructor(private readonly options: LambdaServiceOptions) {
    const { cfg } = options;
    this.region = cfg.region;
    this.accountId = cfg.accountId;
    // The service reaches LocalStack directly, not through its own endpoint.
    this.sdk = {
      endpoint: cfg.localstack.url,
      region: cfg.region,
      credentials: LOCAL_CREDENTIALS,
      forcePathStyle: true,
    };
    this.logSink = new CloudWatchLogSink(this.sdk, (error) =>
      options.log("warn", "could not write function logs to CloudWatch Logs", { error: error.message }),
    );
    const sink: LogSink =
      options.echoFunctionLogs === false ? this.logSink : new TeeLogSink(this.logSink, new ConsoleLogSink());
    this.executor = new FunctionExecutor({
      functions: (name) => this.functionSpecs.get(name),
      runDir: cfg.runDir,
      logSink: sink,
      region: cfg.region,
      accountId: cfg.accountId,
      baseEnv: {
        AWS_ENDPOINT_URL: cfg.endpoint.url,
        AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
        AWS_SESSION_TOKEN: "local",
        AWS_REGION: cfg.region,
      },
    });
    const { scheduler, setClock } = serviceScheduler(process.env, {
      invokeAsync: (name, payload) => this.invokeAsync(name, payload),
      sqs: async () => (await this.clients()).sqs,
      env: { region: cfg.region, accountId: cfg.accountId },
      log: options.log,
    });
    this.scheduler = scheduler;
    this.asyncInvocation = createAsyncInvocation({
      cfg,
      invoker: this.executor,
      functionSpec: (name) => this.functionSpecs.get(name),
      clients: () => this.clients(),
      log: options.log,
    });
    this.api = new LambdaApiServer({
      backend: this,
      upstream: new URL(cfg.localstack.url),
      host: cfg.endpoint.host,
      port: cfg.endpoint.port,
      log: (message, fields) => options.log("warn", message, fields),
      status: () => this.status(),
      reload: async () => {
        await this.reload(true);
        return this.status();
      },
      urls: new FunctionUrlRouter({ backend: this, credentials: LOCAL_CREDENTIALS }),
      runSchedule: (name) => this.scheduler.runNow(name),
      ...(setClock ? { setClock } : {}),
    });
  }

  /**
   * The SDK clients and the Kafka modules, loaded on first use: they take most of a cold start to load,
   * and the endpoint should answer before they are needed.
   */
  private clients(): Promise<Clients> {
    return this.clientsOnce.get();
  }

  private async loadClients(): Promise<Clients> {
    const [cfn, secrets, s3, sqs, sns] = await Promise.all([
      import("@aws-sdk/client-cloudformation"),
      import("@aws-sdk/client-secrets-manager"),
      import("@aws-sdk/client-s3"),
      import("@aws-sdk/client-sqs"),
      import("@aws-sdk/client-sns"),
    ]);
    return {
      cfnModule: cfn,
      cfn: new cfn.CloudFormationClient(this.sdk),
      secrets: new secrets.SecretsManagerClient(this.sdk),
      s3: new s3.S3Client(this.sdk),
      sqs: new sqs.SQSClient(this.sdk),
      sns: new sns.SNSClient(this.sdk),
      esm: await loadEsmModules(),
    };
  }

  async start(): Promise<void> {
    await this.api.listen();
    this.options.log("info", "Lambda API listening", { endpoint: this.options.cfg.endpoint.url });
    await this.reload();
    this.scheduler.start();
    const queued = await this.asyncInvocation.dispatcher.start();
    if (queued > 0) this.options.log("info", "asynchronous events queued before this start resumed", { queued });
    if (this.options.watch ?? true) {
      watchFile(this.manifestFile(), { interval: 500 }, () => {
        void this.reload();
      });
    }
  }

  private manifestFile(): string {
    return join(this.options.cfg.assemblyDir, "manifest.json");
  }

  /** Reads the assembly again and applies the difference: changed functions cold-start, changed mappings restart. */
  reload(force = false): Promise<void> {
    this.reloading = this.reloading
      .then(() => this.doReload(force))
      .catch((error: unknown) => {
        this.loadError = (error as Error).message;
        this.options.log("error", "could not load the cloud assembly", { error: this.loadError });
      });
    return this.reloading;
  }

  private async doReload(force: boolean): Promise<void> {
    const manifest = this.manifestFile();
    if (!existsSync(manifest)) {
      this.options.log("info", "no cloud assembly yet; waiting for a deploy", {
        assembly: this.options.cfg.assemblyDir,
      });
      return;
    }
    const mtime = statSync(manifest).mtimeMs;
    if (mtime === this.manifestMtime && !force) return;
    const state = await this.deployedState();
    const loaded = loadAssembly(this.options.cfg.assemblyDir, state, this.options.cfg);
    this.manifestMtime = mtime;
    this.loadError = undefined;

    const changes: string[] = [];
    const next = new Map(loaded.functions.map((f) => [f.name, f]));
    for (const [name, old] of this.functionSpecs) {
      const spec = next.get(name);
      if (!spec) {
        this.executor.remove(name);
        changes.push(`function removed: ${name}`);
      } else if (spec.codeSha256 !== old.codeSha256) {
        this.executor.reload(spec);
        changes.push(`function reloaded: ${name}`);
      }
    }
    for (const name of next.keys()) {
      if (!this.functionSpecs.has(name)) changes.push(`function loaded: ${name}`);
    }
    this.functionSpecs = next;
    this.urlSpecs = loaded.urls;
    this.scheduler.setSchedules(loaded.schedules);
    this.unhonoured = loaded.reports;
    for (const report of loaded.reports) this.options.log("warn", formatReport(report));
    this.asyncInvocation.configs.replaceAll(loaded.eventInvokeConfigs);

    const wanted = new Map(loaded.mappings.map((m) => [m.uuid, m]));
    for (const [uuid, running] of [...this.mappingsByUuid]) {
      const spec = wanted.get(uuid);
      if (spec && JSON.stringify(spec) === JSON.stringify(running.spec)) continue;
      await this.stopMapping(running);
      this.mappingsByUuid.delete(uuid);
      changes.push(
        `mapping ${spec ? "restarted" : "removed"}: ${running.spec.topics.join(",")} → ${running.spec.functionName}`,
      );
    }
    for (const spec of wanted.values()) {
      if (this.mappingsByUuid.has(spec.uuid)) continue;
      await this.startMapping(spec);
      if (!changes.some((c) => c.startsWith("mapping restarted") && c.endsWith(`→ ${spec.functionName}`))) {
        changes.push(`mapping started: ${spec.topics.join(",")} → ${spec.functionName}`);
      }
    }
    // A reload that changed nothing keeps the record of the last one that did.
    if (changes.length > 0 || this.loadedAt === undefined) {
      this.loadedAt = new Date();
      this.lastReload = changes;
    }
    this.options.log("info", "cloud assembly loaded", {
      changes,
      functions: [...this.functionSpecs.keys()],
      mappings: [...this.mappingsByUuid.values()].map((m) => `${m.spec.topics.join(",")} → ${m.spec.functionName}`),
    });
  }

  private async deployedState(): Promise<DeployedState> {
    const { cfn, cfnModule } = await this.clients();
    const { paginateListExports, paginateListStackResources } = cfnModule;
    const exports = new Map<string, string>();
    for await (const page of paginateListExports({ client: cfn }, {})) {
      for (const e of page.Exports ?? []) if (e.Name && e.Value !== undefined) exports.set(e.Name, e.Value);
    }
    const physical = new Map<string, Map<string, string>>();
    for (const { stackName } of readAssembly(this.options.cfg.assemblyDir)) {
      const resources = new Map<string, string>();
      try {
        for await (const page of paginateListStackResources({ client: cfn }, { StackName: stackName })) {
          for (const r of page.StackResourceSummaries ?? []) {
            if (r.LogicalResourceId && r.PhysicalResourceId) resources.set(r.LogicalResourceId, r.PhysicalResourceId);
          }
        }
      } catch (error) {
        // A stack CloudFormation does not know: its references fail when (and only if) something uses them.
        this.options.log("warn", "a stack of the assembly is not deployed locally", {
          stack: stackName,
          error: (error as Error).message,
        });
      }
      physical.set(stackName, resources);
    }
    return { exports, physicalIds: (stack) => physical.get(stack) ?? new Map() };
  }

  private async startMapping(spec: KafkaMappingSpec): Promise<void> {
    const fn = this.functionSpecs.get(spec.functionName);
    const clients = await this.clients();
    const {
      Kafka,
      createFailureSink,
      mappingKafkaConfig,
      mappingKafkaConfigFactory,
      readKafkaSecret,
      KafkaEventSourcePoller,
    } = clients.esm;
    const kafka = mappingKafkaConfigFactory(spec, { secretsManager: clients.secrets });
    let failureSink: FailureSink | undefined;
    if (spec.onFailure) {
      const kafkaClient =
        spec.onFailure.kind === "kafka"
          ? new Kafka(
              mappingKafkaConfig(
                spec,
                spec.scramSecretArn ? await readKafkaSecret(clients.secrets, spec.scramSecretArn) : undefined,
              ),
            )
          : undefined;
      failureSink = createFailureSink(spec, {
        s3: clients.s3,
        sqs: clients.sqs,
        sns: clients.sns,
        ...(kafkaClient ? { kafka: kafkaClient } : {}),
      });
    }
    const poller = new KafkaEventSourcePoller(spec, {
      invoker: this.executor,
      kafka,
      failureSink,
      concurrency: fn?.reservedConcurrency,
      functionArn: `arn:aws:lambda:${this.region}:${this.accountId}:function:${spec.functionName}`,
      log: (level, message, fields) => this.options.log(level, message, { mapping: spec.uuid, ...fields }),
    });
    const running: RunningMapping = { spec, poller, failureSink, lastModified: new Date() };
    this.mappingsByUuid.set(spec.uuid, running);
    if (spec.enabled) await this.startPoller(running);
  }

  /**
   * Starts a mapping's poller; when the cluster cannot be reached (down, restarting, a join that times out), tries
   * again with back-off — 5 s doubling to 60 s — for as long as the mapping exists and is enabled, as AWS does.
   */
  private async startPoller(running: RunningMapping, delayMs = 5_000): Promise<void> {
    const { spec } = running;
    try {
      await running.poller.start();
    } catch (error) {
      this.options.log("error", "event-source mapping could not start; retrying", {
        mapping: spec.uuid,
        function: spec.functionName,
        retryInMs: delayMs,
        error: (error as Error).message,
      });
      running.retryTimer = setTimeout(() => {
        running.retryTimer = undefined;
        if (this.mappingsByUuid.get(spec.uuid) !== running || !running.spec.enabled) return;
        void this.startPoller(running, Math.min(delayMs * 2, 60_000));
      }, delayMs);
    }
  }

  private async stopMapping(running: RunningMapping): Promise<void> {
    clearTimeout(running.retryTimer);
    running.retryTimer = undefined;
    await running.poller.stop();
    await running.failureSink?.close();
  }

  // LambdaBackend

  functions(): readonly FunctionSpec[] {
    return [...this.functionSpecs.values()];
  }

  invoke(name: string, payload: Buffer, options?: InvokeOptions): Promise<InvokeResult> {
    return this.executor.invoke(name, payload, options);
  }

  functionUrls(): readonly FunctionUrlSpec[] {
    return this.urlSpecs;
  }

  /**
   * Hands an event to a function asynchronously (as an Event invocation): resolves once accepted, rejects when
   * the function does not exist. The one seam the scheduler invokes through.
   */
  async invokeAsync(name: string, payload: Buffer): Promise<void> {
    if (!this.functionSpecs.has(name)) {
      const error = new Error(`Function not found: arn:aws:lambda:${this.region}:${this.accountId}:function:${name}`);
      error.name = "ResourceNotFoundException";
      throw error;
    }
    // Queued durably like an Event invocation: from here on retries, destinations and the dead-letter queue apply.
    await this.asyncInvocation.enqueue(name, payload);
  }

  mappings(): readonly MappingView[] {
    return [...this.mappingsByUuid.values()].map((m) => {
      const metrics = m.poller.metrics();
      return {
        spec: m.spec,
        state: metrics.state,
        lastProcessingResult: metrics.lastProcessingResult,
        lastModified: m.lastModified,
      };
    });
  }

  async updateMapping(uuid: string, update: MappingUpdate): Promise<MappingView> {
    const running = this.mappingsByUuid.get(uuid);
    if (!running) throw new Error(`no event-source mapping ${uuid}`);
    const spec: KafkaMappingSpec = {
      ...running.spec,
      ...(update.enabled === undefined ? {} : { enabled: update.enabled }),
      ...(update.batchSize === undefined ? {} : { batchSize: update.batchSize }),
      ...(update.maximumBatchingWindowInSeconds === undefined
        ? {}
        : { maxBatchingWindowMs: update.maximumBatchingWindowInSeconds * 1000 }),
    };
    const onlyEnabled = JSON.stringify({ ...spec, enabled: running.spec.enabled }) === JSON.stringify(running.spec);
    if (onlyEnabled) {
      running.spec = spec;
      running.lastModified = new Date();
      void running.poller.setEnabled(spec.enabled);
    } else {
      await this.stopMapping(running);
      this.mappingsByUuid.delete(uuid);
      await this.startMapping(spec);
    }
    const view = this.mappings().find((m) => m.spec.uuid === uuid);
    if (!view) throw new Error(`event-source mapping ${uuid} vanished while updating`);
    return view;
  }

  status(): ServiceStatus {
    const stats = this.executor.stats();
    return {
      endpoint: this.options.cfg.endpoint.url,
      assembly: this.options.cfg.assemblyDir,
      loadedAt: this.loadedAt?.toISOString(),
      loadError: this.loadError,
      lastReload: this.lastReload,
      functions: [...this.functionSpecs.values()].map((f) => ({
        name: f.name,
        runtime: f.runtime,
        stats: stats[f.name],
      })),
      mappings: [...this.mappingsByUuid.values()].map((m) => ({
        uuid: m.spec.uuid,
        functionName: m.spec.functionName,
        topics: m.spec.topics,
        metrics: m.poller.metrics(),
      })),
      urls: this.urlSpecs.map((u) => ({
        functionName: u.functionName,
        authType: u.authType,
        url: localFunctionUrl(u.urlId, this.region, this.options.cfg.endpoint.port),
        pathUrl: localFunctionUrlPathForm(u.urlId, this.options.cfg.endpoint.port),
      })),
      schedules: this.scheduler.status(),
      unhonoured: this.unhonoured,
      asyncEventsPending: this.asyncInvocation.dispatcher.pending(),
    };
  }

  /** Stops polling (in-flight batches finish and commit), then the workers, then flushes the logs. */
  async stop(): Promise<void> {
    unwatchFile(this.manifestFile());
    this.scheduler.stop();
    await this.reloading;
    await Promise.all([...this.mappingsByUuid.values()].map((m) => this.stopMapping(m)));
    this.mappingsByUuid.clear();
    await this.asyncInvocation.dispatcher.stop();
    await this.executor.close();
    await this.logSink.close();
    await this.api.close();
    const loaded = this.clientsOnce.peek();
    if (loaded) {
      const c = await loaded;
      for (const client of [c.cfn, c.secrets, c.s3, c.sqs, c.sns]) client.destroy();
    }
  }
}
