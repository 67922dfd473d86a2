/**
 * The local Lambda service: runs the functions and self-managed Kafka event-source mappings of the
 * cloud assemblies that were deployed locally (sluice's own and every app deployed with --app), serves the Lambda API on the public endpoint (passing
 * everything else to LocalStack), and reloads what changed when the assembly is synthesized again.
 */
import { unwatchFile, watchFile } from "node:fs";
import { join } from "node:path";
import { lazy } from "#shared/lazy";
import { LOCAL_CREDENTIALS, type LocalConfig } from "../config";
import { LambdaApiServer, type LambdaBackend, type MappingUpdate, type MappingView } from "./api";
import { assemblySources, loadAssemblies, sourcesKey } from "./assemblies";
import { readAssembly } from "./assembly";
import { type AsyncInvocation, createAsyncInvocation } from "./async/async-invocation";
import { deliveryLogWriter } from "./esm/delivery-log";
import type { PollerMetrics } from "./esm/poller";
import { FunctionExecutor, type FunctionStats } from "./executor";
import { CloudWatchLogSink, ConsoleLogSink, TeeLogSink } from "./logs";
import { MappingSampler } from "./metrics/mapping-metrics";
import { MetricsPublisher } from "./metrics/publisher";
import { parseScheduledTime } from "./schedules/scheduled-event";
import type { LocalScheduler, ScheduleStatus } from "./schedules/scheduler";
import { scheduleMemoryFile, serviceScheduler } from "./schedules/wiring";
import { type Clients, destroyClients, loadClients, type SdkOptions } from "./service/clients";
import { deployedState } from "./service/deployed-state";
import { KafkaMappings, kafkaMappingParts } from "./service/kafka-mappings";
import { UpstreamWatch } from "./service/upstream-watch";
import type { FunctionSpec, InvokeOptions, InvokeResult, LogSink } from "./types";
import { formatReport, type UnhonouredReport } from "./unhonoured";
import { FunctionUrlRouter, localFunctionUrl, localFunctionUrlPathForm } from "./urls/server";
import type { FunctionUrlSpec } from "./urls/url-spec";

export type ServiceLog = (
  level: "debug" | "info" | "warn" | "error",
  message: string,
  fields?: Record<string, unknown>,
) => void;

export interface ServiceStatus {
  readonly endpoint: string;
  readonly assembly: string;
  /** The apps served: "main" (sluice's own assembly) and each app deployed with --app. */
  readonly apps?: readonly string[];
  readonly loadedAt?: string;
  readonly loadError?: string;
  /** What the last reload changed, e.g. "function reloaded: x", "mapping restarted: topic → x". */
  readonly lastReload: readonly string[];
  readonly functions: Array<{ name: string; runtime: string; app?: string; stats?: FunctionStats }>;
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
  private readonly kafkaMappings: KafkaMappings;
  private readonly upstream: UpstreamWatch;
  private readonly executor: FunctionExecutor;
  private readonly api: LambdaApiServer;
  private readonly logSink: CloudWatchLogSink;
  private readonly sdk: SdkOptions;
  /** The SDK clients and the event-source modules, loaded on first need (a failed load is tried again). */
  private readonly clientsOnce = lazy(() => loadClients(this.sdk));
  private loadedAt: Date | undefined;
  private loadError: string | undefined;
  private reloading: Promise<void> = Promise.resolve();
  private sourcesKey = "";
  private appOf: ReadonlyMap<string, string> = new Map();
  private apps: string[] = [];
  private lastReload: string[] = [];
  private unhonoured: UnhonouredReport[] = [];
  private readonly scheduler: LocalScheduler;
  readonly asyncInvocation: AsyncInvocation;
  /** AWS/Lambda metrics to the endpoint's CloudWatch: the functions' (recorded as they happen) and the mappings' (sampled). */
  private readonly metrics: MetricsPublisher;

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
    const mappingSampler = new MappingSampler(() => this.kafkaMappings.metricSources());
    this.metrics = new MetricsPublisher({
      intervalMs: cfg.lambdaService.metricsPublishSeconds * 1000,
      sink: async () => (await this.clients()).metrics,
      samplers: [(atMs) => mappingSampler.sample(atMs)],
      log: options.log,
    });
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
      metrics: this.metrics,
    });
    this.upstream = new UpstreamWatch(new URL(cfg.localstack.url), { log: options.log });
    this.kafkaMappings = new KafkaMappings({
      parts: kafkaMappingParts({
        clients: () => this.clients(),
        invoker: this.executor,
        functionSpec: (name) => this.functionSpecs.get(name),
        functionArn: (name) => `arn:aws:lambda:${this.region}:${this.accountId}:function:${name}`,
        log: options.log,
        sessionTimeoutMs: cfg.lambdaService.kafkaSessionTimeoutMs,
        ...(cfg.lambdaService.deliveryLog ? { onDelivery: deliveryLogWriter(cfg.lambdaService.deliveryLog) } : {}),
        outages: this.upstream,
      }),
      log: options.log,
    });
    const { scheduler, setClock } = serviceScheduler(cfg.lambdaService, {
      invokeAsync: (name, payload) => this.invokeAsync(name, payload),
      sqs: async () => (await this.clients()).sqs,
      env: { region: cfg.region, accountId: cfg.accountId },
      log: options.log,
      memoryFile: scheduleMemoryFile(cfg),
    });
    this.scheduler = scheduler;
    this.asyncInvocation = createAsyncInvocation({
      cfg,
      invoker: this.executor,
      functionSpec: (name) => this.functionSpecs.get(name),
      clients: () => this.clients(),
      log: options.log,
      metrics: this.metrics,
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
      onUpstreamUnreachable: (error) => this.upstream.unreachable(error),
      upstreamStopping: () => this.upstream.stopping(),
      runSchedule: (name, at) => this.scheduler.runNow(name, at === undefined ? undefined : parseScheduledTime(at)),
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

  async start(): Promise<void> {
    await this.api.listen();
    this.options.log("info", "Lambda API listening", { endpoint: this.options.cfg.endpoint.url });
    await this.reload();
    this.scheduler.start();
    this.metrics.start();
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
    const sources = assemblySources(this.options.cfg);
    if (sources.length === 0 && this.functionSpecs.size === 0) {
      this.options.log("info", "no cloud assembly yet; waiting for a deploy", {
        assembly: this.options.cfg.assemblyDir,
      });
      return;
    }
    const key = sourcesKey(sources);
    if (key === this.sourcesKey && !force) return;
    const { cfn, cfnModule } = await this.clients();
    // Each assembly read once: its stack names ask CloudFormation for their state, then the same stacks load.
    const stacks = new Map(sources.map((s) => [s.dir, readAssembly(s.dir)]));
    const stackNames = [...stacks.values()].flat().map((stack) => stack.stackName);
    const state = await deployedState({ cfn, cfnModule, log: this.options.log }, stackNames);
    const loaded = loadAssemblies(sources, state, this.options.cfg, (dir) => stacks.get(dir) ?? readAssembly(dir));
    this.sourcesKey = key;
    this.appOf = loaded.appOf;
    this.apps = sources.map((s) => s.app);
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

    changes.push(...(await this.kafkaMappings.apply(loaded.mappings)));
    // A reload that changed nothing keeps the record of the last one that did.
    if (changes.length > 0 || this.loadedAt === undefined) {
      this.loadedAt = new Date();
      this.lastReload = changes;
    }
    this.options.log("info", "cloud assembly loaded", {
      changes,
      functions: [...this.functionSpecs.keys()],
      mappings: this.kafkaMappings.names(),
    });
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
    return this.kafkaMappings.views();
  }

  updateMapping(uuid: string, update: MappingUpdate): Promise<MappingView> {
    return this.kafkaMappings.update(uuid, update);
  }

  status(): ServiceStatus {
    const stats = this.executor.stats();
    return {
      endpoint: this.options.cfg.endpoint.url,
      assembly: this.options.cfg.assemblyDir,
      apps: this.apps,
      loadedAt: this.loadedAt?.toISOString(),
      loadError: this.loadError,
      lastReload: this.lastReload,
      functions: [...this.functionSpecs.values()].map((f) => ({
        name: f.name,
        runtime: f.runtime,
        app: this.appOf.get(f.name),
        stats: stats[f.name],
      })),
      mappings: this.kafkaMappings.statuses(),
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

  /** Stops polling (in-flight batches finish and commit), then the workers, then flushes the logs and metrics. */
  async stop(): Promise<void> {
    unwatchFile(this.manifestFile());
    this.scheduler.stop();
    await this.reloading;
    await this.metrics.flush(); // the mappings' counters, sampled while their pollers still run
    await this.kafkaMappings.stopAll();
    await this.asyncInvocation.dispatcher.stop();
    await this.executor.close();
    await this.logSink.close();
    await this.metrics.stop();
    await this.api.close();
    this.upstream.stop();
    const loaded = this.clientsOnce.peek();
    if (loaded) {
      destroyClients(await loaded);
    }
  }
}
