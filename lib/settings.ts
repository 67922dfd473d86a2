/**
 * Deployment settings read from CDK context (cdk.json, or `-c key=value`), each with a default
 * and validated up front with a message that says what to do.
 */
import type { Node } from "constructs";

export type Profile = "production" | "local";
export type StartingPositionName = "TRIM_HORIZON" | "LATEST" | "AT_TIMESTAMP";

/** Lambda's advanced logging controls for every function (JSON log format); AWS's default is INFO for both. */
export interface LogLevels {
  /** What the functions log: TRACE, DEBUG, INFO, WARN, ERROR or FATAL. */
  readonly application: "TRACE" | "DEBUG" | "INFO" | "WARN" | "ERROR" | "FATAL";
  /** What Lambda logs about them (platform.start, platform.report, …): DEBUG, INFO or WARN. */
  readonly system: "DEBUG" | "INFO" | "WARN";
}

export const DEFAULT_LOG_LEVELS: LogLevels = { application: "INFO", system: "INFO" };

/** The pipeline's Kafka topics, in the order records flow through them. */
const DEFAULT_TOPICS = {
  celebrities: "celebrities",
  imageCandidates: "image-candidates",
  imagesVerified: "images-verified",
  imagesStored: "images-stored",
  dataset: "dataset",
} as const;
export type TopicKey = keyof typeof DEFAULT_TOPICS;

/** The analytics pipelines' input topics: bank transactions, and the tweets both tweet consumers read. */
const DEFAULT_ANALYTICS_TOPICS = {
  transactions: "transactions",
  tweets: "tweets",
} as const;
export type AnalyticsTopicKey = keyof typeof DEFAULT_ANALYTICS_TOPICS;

/** What the keyword tracker follows by default: the seed tracked COVID-19 with these three. */
export const DEFAULT_TRACKED_KEYWORDS: readonly string[] = ["corona virus", "COVID-19", "pandemic"];

export interface SluiceSettings {
  /** Prefix of every stack name; two prefixes give two independent deployments in one account. */
  readonly stackPrefix: string;
  /** `local` leaves Lambda functions and Kafka event-source mappings out of the deployed template. */
  readonly profile: Profile;
  readonly kafkaBootstrapServers: string[];
  /** SCRAM user name stored in the Kafka credentials secret; the password is generated. */
  readonly kafkaUsername: string;
  readonly topics: Record<TopicKey, string>;
  readonly analyticsTopics: Record<AnalyticsTopicKey, string>;
  readonly hourly: HourlySettings;
  /** Keywords (or phrases) the keyword tracker counts tweets for, matched case-insensitively on word boundaries. */
  readonly trackedKeywords: readonly string[];
  readonly batchSize: number;
  /**
   * Records of one partition a stage processes at once, different keys only (`sluice:recordConcurrency`, 1 to 64,
   * default 8; 1: one after another). On AWS as here a mapping gives a partition to one invocation at a time.
   */
  readonly recordConcurrency: number;
  /** Whole seconds; undefined leaves AWS's default (500 ms for Kafka). */
  readonly maxBatchingWindowSeconds: number | undefined;
  readonly startingPosition: StartingPositionName;
  /** Where the scrapers look: the offline sample web, or the real Wikidata, TMDB and web. */
  readonly sources: "sample" | "live";
  /** Origin of the offline sample web (`sources: sample`); the only loopback origin the stages may fetch from. */
  readonly sampleWebUrl: string;
  /**
   * How hard a fetching stage's sandbox may use one host (`sluice:hostRequestsPerSecond`, 1 to 1000, and
   * `sluice:hostConcurrency`, 1 to 64); unset: the sources' own (see `lib/sources.ts`).
   */
  readonly hostPoliteness: { readonly requestsPerSecond?: number; readonly concurrency?: number };
  /**
   * Provisioned mode of every Kafka mapping: AWS accepts the error-handling controls the stages use
   * (retries, bisect, partial batch responses, on-failure destination, record age) only in it.
   */
  readonly provisionedPollers: ProvisionedPollers;
  /** ApplicationLogLevel and SystemLogLevel of every function, which logs in the JSON format. */
  readonly logLevels: LogLevels;
  /** Alarm notifications: an email address subscribed to the alerts topic (`sluice:alertEmail`), if any. */
  readonly alertEmail: string | undefined;
  /**
   * `sluice:dashboardPublic`: besides the signed (AWS_IAM) dashboard, a second, read-only one whose URL anyone may
   * open (no transaction form, no Kafka rights). Ignored by the local profile, whose one dashboard is open.
   */
  readonly dashboardPublic: boolean;
  /** Records behind (a mapping's OffsetLag, Maximum over a minute, 5 minutes running) that raise its alarm. */
  readonly offsetLagAlarmThreshold: number;
}

/** The hourly pipeline: when it runs, what it fetches, and where the kept rows go. */
export interface HourlySettings {
  /** The ingest schedule's expression (`sluice:hourlySchedule`, default `rate(1 hour)`). */
  readonly schedule: string;
  /**
   * The CSV an hour's run fetches (`sluice:hourlySourceUrl`), with `{hour}` replaced by the hour (`YYYY-MM-DDTHH`);
   * default: the sample web's hourly observations when `sluice:sources` is `sample`, else it must be set.
   */
  readonly sourceUrl: string;
  /** Topic of the kept rows (`sluice:topic:observations`, default `observations`). */
  readonly topic: string;
}

/** Event pollers of a provisioned-mode Kafka mapping (AWS: minimum 1 to 200, maximum 1 to 2,000, minimum <= maximum). */
export interface ProvisionedPollers {
  readonly minimum: number;
  readonly maximum: number;
}

class SettingsError extends Error {
  constructor(key: string, message: string) {
    super(`CDK context "${key}": ${message}`);
    this.name = "SettingsError";
  }
}

/** Default of `sluice:recordConcurrency`: records of different keys a stage works on at once, per partition. */
export const DEFAULT_RECORD_CONCURRENCY = 8;

/** Default of `sluice:offsetLagAlarmThreshold`: a stage that stays this many records behind for 5 minutes is stuck. */
export const DEFAULT_OFFSET_LAG_ALARM_THRESHOLD = 1000;

/** An address SNS can deliver to: one @, no spaces, a dotted domain. */
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const BROKER = /^[A-Za-z0-9.-]+:\d{1,5}$/;
const TOPIC = /^[A-Za-z0-9._-]{1,249}$/;

function str(node: Node, key: string, fallback: string): string {
  const value: unknown = node.tryGetContext(key);
  if (value === undefined || value === null || value === "") return fallback;
  if (typeof value !== "string") throw new SettingsError(key, `expected a string, got ${JSON.stringify(value)}`);
  return value;
}

function int(node: Node, key: string, fallback: number | undefined, min: number, max: number): number | undefined {
  const value: unknown = node.tryGetContext(key);
  if (value === undefined || value === null || value === "") return fallback;
  const n = typeof value === "string" ? Number(value) : value;
  if (typeof n !== "number" || !Number.isInteger(n) || n < min || n > max) {
    throw new SettingsError(key, `expected a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
  return n;
}

/** Splits and checks a comma-separated broker list the way Lambda does (1 to 10 host:port entries). */
export function parseBootstrapServers(raw: string, key = "sluice:kafkaBootstrapServers"): string[] {
  const servers = raw
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  if (servers.length < 1 || servers.length > 10) {
    throw new SettingsError(key, `expected 1 to 10 brokers as host:port,host:port, got ${servers.length}`);
  }
  for (const server of servers) {
    if (!BROKER.test(server)) throw new SettingsError(key, `"${server}" is not host:port`);
  }
  return servers;
}

/** AWS's ranges for a Kafka mapping's ProvisionedPollerConfig (API reference, ProvisionedPollerConfig). */
export const POLLER_LIMITS = { minimum: { min: 1, max: 200 }, maximum: { min: 1, max: 2000 } } as const;

/**
 * Each poller is billed while it runs (about 5 MB/s of throughput each), so the defaults are small: one poller
 * always on, scaling to three, enough for the pipeline's four topics; raise them with context for more throughput.
 */
export const DEFAULT_PROVISIONED_POLLERS: ProvisionedPollers = { minimum: 1, maximum: 3 };

/** A loopback broker is the local stack's; a production mapping pointed at one would poll nothing. */
const LOOPBACK_BROKER = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|localhost|0\.0\.0\.0):\d{1,5}$/i;

/**
 * A list of keywords: a JSON array in cdk.json, or a comma-separated string on the command line
 * (`-c sluice:trackedKeywords="corona virus,COVID-19"`). Each is 1 to 100 characters with a letter or digit.
 */
function keywords(node: Node, key: string): readonly string[] {
  const value: unknown = node.tryGetContext(key);
  if (value === undefined || value === null || value === "") return DEFAULT_TRACKED_KEYWORDS;
  const list = typeof value === "string" ? value.split(",") : value;
  if (!Array.isArray(list) || !list.every((k) => typeof k === "string")) {
    throw new SettingsError(key, `expected a list of keywords, got ${JSON.stringify(value)}`);
  }
  const trimmed = list.map((k: string) => k.trim()).filter((k) => k !== "");
  if (trimmed.length === 0 || trimmed.length > 50) {
    throw new SettingsError(key, `expected 1 to 50 keywords, got ${trimmed.length}`);
  }
  for (const k of trimmed) {
    if (k.length > 100 || !/[\p{L}\p{N}]/u.test(k)) {
      throw new SettingsError(key, `"${k}" must be 1 to 100 characters holding a letter or a digit`);
    }
  }
  return trimmed;
}

function hourlySettings(node: Node, sources: "sample" | "live", sampleWebUrl: string): HourlySettings {
  const schedule = str(node, "sluice:hourlySchedule", "rate(1 hour)");
  if (!/^(rate\(\d+ (minute|minutes|hour|hours|day|days)\)|cron\(.+\))$/.test(schedule)) {
    throw new SettingsError("sluice:hourlySchedule", `expected rate(1 hour) or cron(…), got "${schedule}"`);
  }
  const fallback = sources === "sample" ? `${sampleWebUrl}/hourly/observations/{hour}.csv` : "";
  const sourceUrl = str(node, "sluice:hourlySourceUrl", fallback);
  if (!/^https?:\/\/\S+$/.test(sourceUrl)) {
    throw new SettingsError(
      "sluice:hourlySourceUrl",
      sourceUrl === ""
        ? "the hourly pipeline needs the CSV to fetch: -c sluice:hourlySourceUrl=https://…/{hour}.csv"
        : `expected an http(s) URL, got "${sourceUrl}"`,
    );
  }
  const key = "sluice:topic:observations";
  return { schedule, sourceUrl, topic: validateTopic(str(node, key, "observations"), key) };
}

export function validateTopic(name: string, key: string): string {
  if (!TOPIC.test(name) || name === "." || name === "..") {
    throw new SettingsError(key, `"${name}" is not a valid Kafka topic name (1-249 of [A-Za-z0-9._-])`);
  }
  return name;
}

function bool(node: Node, key: string, fallback: boolean): boolean {
  const value: unknown = node.tryGetContext(key);
  if (value === undefined || value === null || value === "") return fallback;
  if (value === true || value === "true") return true;
  if (value === false || value === "false") return false;
  throw new SettingsError(key, `expected true or false, got ${JSON.stringify(value)}`);
}

function oneOf<T extends string>(node: Node, key: string, allowed: readonly T[], fallback: T): T {
  const value = str(node, key, fallback).toUpperCase();
  if (!(allowed as readonly string[]).includes(value)) {
    throw new SettingsError(key, `expected one of ${allowed.join(", ")}, got "${value}"`);
  }
  return value as T;
}

/** sluice:applicationLogLevel and sluice:systemLogLevel, each with AWS's choices and default. */
function loadLogLevels(node: Node): LogLevels {
  return {
    application: oneOf(
      node,
      "sluice:applicationLogLevel",
      ["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"] as const,
      DEFAULT_LOG_LEVELS.application,
    ),
    system: oneOf(node, "sluice:systemLogLevel", ["DEBUG", "INFO", "WARN"] as const, DEFAULT_LOG_LEVELS.system),
  };
}

export function loadSettings(node: Node): SluiceSettings {
  const profile = str(node, "sluice:profile", "production");
  if (profile !== "production" && profile !== "local") {
    throw new SettingsError("sluice:profile", `expected "production" or "local", got "${profile}"`);
  }
  const stackPrefix = str(node, "sluice:stackPrefix", "sluice");
  if (!/^[A-Za-z][A-Za-z0-9-]{0,40}$/.test(stackPrefix)) {
    throw new SettingsError(
      "sluice:stackPrefix",
      `"${stackPrefix}" must start with a letter and hold letters, digits or -`,
    );
  }
  const startingPosition = str(node, "sluice:startingPosition", "TRIM_HORIZON");
  if (startingPosition !== "TRIM_HORIZON" && startingPosition !== "LATEST") {
    throw new SettingsError(
      "sluice:startingPosition",
      `expected TRIM_HORIZON or LATEST for the pipeline, got "${startingPosition}"`,
    );
  }
  const topicsOf = <K extends string>(defaults: Record<K, string>): Record<K, string> =>
    Object.fromEntries(
      Object.entries<string>(defaults).map(([k, fallback]) => {
        const key = `sluice:topic:${k}`;
        return [k, validateTopic(str(node, key, fallback), key)];
      }),
    ) as Record<K, string>;
  const topics = topicsOf(DEFAULT_TOPICS);
  const analyticsTopics = topicsOf(DEFAULT_ANALYTICS_TOPICS);
  const clash = Object.values(analyticsTopics).find((t) => Object.values<string>(topics).includes(t));
  if (clash !== undefined) {
    throw new SettingsError("sluice:topic:*", `"${clash}" is both a face pipeline topic and an analytics topic`);
  }
  const sources = str(node, "sluice:sources", profile === "local" ? "sample" : "live");
  if (sources !== "sample" && sources !== "live") {
    throw new SettingsError("sluice:sources", `expected "sample" or "live", got "${sources}"`);
  }
  const sampleWebUrl = str(node, "sluice:sampleWebUrl", "http://127.0.0.1:4580");
  if (!/^http:\/\/[A-Za-z0-9.-]+:\d{1,5}$/.test(sampleWebUrl)) {
    throw new SettingsError("sluice:sampleWebUrl", `expected http://host:port, got "${sampleWebUrl}"`);
  }
  const kafkaBootstrapServers = parseBootstrapServers(str(node, "sluice:kafkaBootstrapServers", "127.0.0.1:9092"));
  const loopback = kafkaBootstrapServers.filter((s) => LOOPBACK_BROKER.test(s));
  if (profile === "production" && loopback.length > 0) {
    throw new SettingsError(
      "sluice:kafkaBootstrapServers",
      `${loopback.join(", ")} is the local stack's placeholder broker; a production synthesis needs the real ` +
        "brokers: -c sluice:kafkaBootstrapServers=b1:9092,b2:9092 (or synthesize with -c sluice:profile=local)",
    );
  }
  // After the brokers: a production synthesis names the broker setting first, then the hourly CSV's.
  const hourly = hourlySettings(node, sources, sampleWebUrl);
  const { minimum: min, maximum: max } = POLLER_LIMITS;
  const provisionedPollers: ProvisionedPollers = {
    minimum:
      int(node, "sluice:minimumPollers", DEFAULT_PROVISIONED_POLLERS.minimum, min.min, min.max) ??
      DEFAULT_PROVISIONED_POLLERS.minimum,
    maximum:
      int(node, "sluice:maximumPollers", DEFAULT_PROVISIONED_POLLERS.maximum, max.min, max.max) ??
      DEFAULT_PROVISIONED_POLLERS.maximum,
  };
  if (provisionedPollers.minimum > provisionedPollers.maximum) {
    throw new SettingsError(
      "sluice:minimumPollers",
      `${provisionedPollers.minimum} is more than sluice:maximumPollers (${provisionedPollers.maximum}); ` +
        "set -c sluice:minimumPollers at most the maximum, or raise -c sluice:maximumPollers",
    );
  }
  const alertEmail = str(node, "sluice:alertEmail", "");
  if (alertEmail !== "" && !EMAIL.test(alertEmail)) {
    throw new SettingsError(
      "sluice:alertEmail",
      `"${alertEmail}" is not an email address; set -c sluice:alertEmail=you@example.com, or leave it unset for no email`,
    );
  }
  return {
    stackPrefix,
    profile,
    kafkaBootstrapServers,
    kafkaUsername: str(node, "sluice:kafkaUsername", "sluice"),
    topics,
    analyticsTopics,
    trackedKeywords: keywords(node, "sluice:trackedKeywords"),
    hourly,
    batchSize: int(node, "sluice:batchSize", 100, 1, 10_000) ?? 100,
    recordConcurrency:
      int(node, "sluice:recordConcurrency", DEFAULT_RECORD_CONCURRENCY, 1, 64) ?? DEFAULT_RECORD_CONCURRENCY,
    maxBatchingWindowSeconds: int(node, "sluice:maxBatchingWindowSeconds", undefined, 0, 300),
    startingPosition,
    sources,
    sampleWebUrl,
    hostPoliteness: {
      requestsPerSecond: int(node, "sluice:hostRequestsPerSecond", undefined, 1, 1000),
      concurrency: int(node, "sluice:hostConcurrency", undefined, 1, 64),
    },
    provisionedPollers,
    logLevels: loadLogLevels(node),
    alertEmail: alertEmail === "" ? undefined : alertEmail,
    dashboardPublic: bool(node, "sluice:dashboardPublic", false),
    offsetLagAlarmThreshold:
      int(node, "sluice:offsetLagAlarmThreshold", DEFAULT_OFFSET_LAG_ALARM_THRESHOLD, 1, 1_000_000_000) ??
      DEFAULT_OFFSET_LAG_ALARM_THRESHOLD,
  };
}
