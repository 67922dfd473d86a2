/**
 * A function's `LoggingConfig` as Lambda reads it (API reference, LoggingConfig; developer guide, "Configuring
 * advanced logging controls"): `LogFormat` Text (the default) or JSON; `ApplicationLogLevel` TRACE to FATAL and
 * `SystemLogLevel` DEBUG to WARN, both INFO when the format is JSON and neither allowed with Text; `LogGroup`
 * `/aws/lambda/<function>` unless named. Also what the runtime gets of it: `AWS_LAMBDA_LOG_FORMAT` and, with JSON,
 * `AWS_LAMBDA_LOG_LEVEL` (the application level, which AWS's Node.js runtime and Powertools both honour).
 */
import type { ApplicationLogLevel, LoggingSpec, SystemLogLevel } from "./types";

export const APPLICATION_LOG_LEVELS: readonly ApplicationLogLevel[] = [
  "TRACE",
  "DEBUG",
  "INFO",
  "WARN",
  "ERROR",
  "FATAL",
];
export const SYSTEM_LOG_LEVELS: readonly SystemLogLevel[] = ["DEBUG", "INFO", "WARN"];

/** AWS's default for both levels of a JSON function. */
const DEFAULT_LEVEL = "INFO";

const LOG_GROUP = /^[.\-_/#A-Za-z0-9]{1,512}$/;

function oneOf<T extends string>(value: unknown, allowed: readonly T[], what: string): T | undefined {
  if (value === undefined) return undefined;
  if (typeof value === "string" && (allowed as readonly string[]).includes(value)) return value as T;
  throw new Error(`LoggingConfig.${what} ${JSON.stringify(value)} is not one of ${allowed.join(", ")}`);
}

export interface ParsedLoggingConfig {
  readonly logging: LoggingSpec;
  readonly logGroup: string;
}

/**
 * Reads a template's (resolved) LoggingConfig. Log levels with the Text format are refused: CDK refuses them at
 * synthesis ("To use ApplicationLogLevel and/or SystemLogLevel you must set LoggingFormat to 'JSON'") and AWS
 * documents the levels as JSON-only; we could not confirm the Lambda API's own wording, so the message is ours.
 */
export function parseLoggingConfig(config: unknown, functionName: string): ParsedLoggingConfig {
  const c = (config ?? {}) as Record<string, unknown>;
  const format = oneOf(c.LogFormat, ["Text", "JSON"] as const, "LogFormat") ?? "Text";
  const applicationLogLevel = oneOf(c.ApplicationLogLevel, APPLICATION_LOG_LEVELS, "ApplicationLogLevel");
  const systemLogLevel = oneOf(c.SystemLogLevel, SYSTEM_LOG_LEVELS, "SystemLogLevel");
  const logGroup = c.LogGroup === undefined ? `/aws/lambda/${functionName}` : String(c.LogGroup);
  if (!LOG_GROUP.test(logGroup)) throw new Error(`LoggingConfig.LogGroup "${logGroup}" is not a log group name`);
  if (format === "Text") {
    if (applicationLogLevel !== undefined || systemLogLevel !== undefined) {
      throw new Error(
        "LoggingConfig sets ApplicationLogLevel or SystemLogLevel with LogFormat Text: log levels need LogFormat JSON",
      );
    }
    return { logging: { format }, logGroup };
  }
  return {
    logging: {
      format,
      applicationLogLevel: applicationLogLevel ?? DEFAULT_LEVEL,
      systemLogLevel: systemLogLevel ?? DEFAULT_LEVEL,
    },
    logGroup,
  };
}

/** The runtime's view of the configuration: AWS_LAMBDA_LOG_FORMAT always, AWS_LAMBDA_LOG_LEVEL with JSON only. */
export function loggingEnvironment(logging: LoggingSpec): {
  AWS_LAMBDA_LOG_FORMAT: string;
  AWS_LAMBDA_LOG_LEVEL: string | undefined;
} {
  return {
    AWS_LAMBDA_LOG_FORMAT: logging.format,
    AWS_LAMBDA_LOG_LEVEL: logging.format === "JSON" ? logging.applicationLogLevel : undefined,
  };
}

/** Lambda's system levels, least detailed last: a record is written when its level is at or above the setting. */
export function systemLevelAllows(setting: SystemLogLevel, recordLevel: SystemLogLevel): boolean {
  return SYSTEM_LOG_LEVELS.indexOf(recordLevel) >= SYSTEM_LOG_LEVELS.indexOf(setting);
}
