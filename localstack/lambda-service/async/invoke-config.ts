/**
 * A function's asynchronous invocation configuration (AWS::Lambda::EventInvokeConfig, or the
 * PutFunctionEventInvokeConfig API: the same property names), validated as Lambda validates it, so a
 * template that AWS would refuse is refused here too, by name, instead of running with other settings.
 *
 * From AWS's documentation (Lambda developer guide "Configuring error handling for asynchronous
 * invocation", CloudFormation reference AWS::Lambda::EventInvokeConfig):
 *  - MaximumRetryAttempts 0-2, default 2; MaximumEventAgeInSeconds 60-21600, default 21600 (6 hours).
 *  - Destinations: an SQS queue, SNS topic, Lambda function or EventBridge event bus; an S3 bucket on
 *    failure only. Qualifier: a version, an alias or $LATEST (only $LATEST exists locally).
 */

export const DEFAULT_MAXIMUM_RETRY_ATTEMPTS = 2;
export const DEFAULT_MAXIMUM_EVENT_AGE_SECONDS = 21_600;

export type DestinationKind = "sqs" | "sns" | "lambda" | "events" | "s3";

export interface DestinationSpec {
  readonly arn: string;
  readonly kind: DestinationKind;
}

export interface EventInvokeConfig {
  readonly maximumRetryAttempts: number;
  readonly maximumEventAgeSeconds: number;
  readonly onSuccess?: DestinationSpec;
  readonly onFailure?: DestinationSpec;
}

/** A configuration AWS would refuse; the message names the property. */
export class InvokeConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InvokeConfigError";
  }
}

/** Defaults, as a function without any configuration gets them. */
export const DEFAULT_EVENT_INVOKE_CONFIG: EventInvokeConfig = {
  maximumRetryAttempts: DEFAULT_MAXIMUM_RETRY_ATTEMPTS,
  maximumEventAgeSeconds: DEFAULT_MAXIMUM_EVENT_AGE_SECONDS,
};

const KIND_BY_SERVICE: Readonly<Record<string, DestinationKind>> = {
  sqs: "sqs",
  sns: "sns",
  lambda: "lambda",
  events: "events",
  s3: "s3",
};

/** The kind of a destination ARN; throws for a service AWS does not deliver to, or S3 on success. */
export function destinationOf(arn: string, which: "OnSuccess" | "OnFailure"): DestinationSpec {
  const service = /^arn:aws[a-zA-Z0-9-]*:([a-zA-Z0-9-]+):/.exec(arn)?.[1];
  const kind = service === undefined ? undefined : KIND_BY_SERVICE[service];
  if (kind === undefined) {
    throw new InvokeConfigError(
      `DestinationConfig.${which}.Destination ${JSON.stringify(arn)} is not an SQS queue, SNS topic, Lambda function, EventBridge event bus or S3 bucket ARN`,
    );
  }
  if (kind === "s3" && which === "OnSuccess") {
    throw new InvokeConfigError(
      `DestinationConfig.OnSuccess.Destination ${arn}: an S3 bucket can only be an OnFailure destination`,
    );
  }
  if (kind === "sqs" && arn.endsWith(".fifo")) {
    throw new InvokeConfigError(`DestinationConfig.${which}.Destination ${arn}: a FIFO queue is not supported`);
  }
  if (kind === "events" && !/:event-bus\/.+$/.test(arn)) {
    throw new InvokeConfigError(`DestinationConfig.${which}.Destination ${arn} is not an EventBridge event bus ARN`);
  }
  return { arn, kind };
}

function integerIn(value: unknown, name: string, min: number, max: number, fallback: number): number {
  if (value === undefined || value === null) return fallback;
  const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  if (typeof n !== "number" || !Number.isInteger(n) || n < min || n > max) {
    throw new InvokeConfigError(`${name} must be an integer from ${min} to ${max} (got ${JSON.stringify(value)})`);
  }
  return n;
}

const CONFIG_PROPERTIES = new Set(["MaximumRetryAttempts", "MaximumEventAgeInSeconds", "DestinationConfig"]);

function destination(config: Record<string, unknown>, which: "OnSuccess" | "OnFailure"): DestinationSpec | undefined {
  const entry = config[which];
  if (entry === undefined || entry === null) return undefined;
  if (typeof entry !== "object") throw new InvokeConfigError(`DestinationConfig.${which} must be an object`);
  const { Destination, ...rest } = entry as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length > 0) {
    throw new InvokeConfigError(`DestinationConfig.${which} has unsupported properties: ${unknown.join(", ")}`);
  }
  if (Destination === undefined || Destination === "") return undefined;
  if (typeof Destination !== "string") {
    throw new InvokeConfigError(`DestinationConfig.${which}.Destination must be an ARN string`);
  }
  return destinationOf(Destination, which);
}

/**
 * The configuration from its properties (template or API body), `ignore` naming properties the caller
 * handles itself (FunctionName, Qualifier). Every other property it does not know is an error.
 */
export function readEventInvokeConfig(
  props: Readonly<Record<string, unknown>>,
  ignore: readonly string[] = [],
): EventInvokeConfig {
  const unknown = Object.keys(props).filter((k) => !CONFIG_PROPERTIES.has(k) && !ignore.includes(k));
  if (unknown.length > 0) throw new InvokeConfigError(`unsupported properties: ${unknown.join(", ")}`);
  const maximumRetryAttempts = integerIn(
    props.MaximumRetryAttempts,
    "MaximumRetryAttempts",
    0,
    2,
    DEFAULT_MAXIMUM_RETRY_ATTEMPTS,
  );
  const maximumEventAgeSeconds = integerIn(
    props.MaximumEventAgeInSeconds,
    "MaximumEventAgeInSeconds",
    60,
    21_600,
    DEFAULT_MAXIMUM_EVENT_AGE_SECONDS,
  );
  const raw = props.DestinationConfig;
  if (raw !== undefined && raw !== null && typeof raw !== "object") {
    throw new InvokeConfigError("DestinationConfig must be an object");
  }
  const config = (raw ?? {}) as Record<string, unknown>;
  const unknownDestinations = Object.keys(config).filter((k) => k !== "OnSuccess" && k !== "OnFailure");
  if (unknownDestinations.length > 0) {
    throw new InvokeConfigError(`DestinationConfig has unsupported properties: ${unknownDestinations.join(", ")}`);
  }
  const onSuccess = destination(config, "OnSuccess");
  const onFailure = destination(config, "OnFailure");
  return {
    maximumRetryAttempts,
    maximumEventAgeSeconds,
    ...(onSuccess ? { onSuccess } : {}),
    ...(onFailure ? { onFailure } : {}),
  };
}

/** The configuration as the Lambda API returns it (without FunctionArn and LastModified). */
export function configBody(config: EventInvokeConfig) {
  return {
    MaximumRetryAttempts: config.maximumRetryAttempts,
    MaximumEventAgeInSeconds: config.maximumEventAgeSeconds,
    DestinationConfig: {
      OnSuccess: config.onSuccess ? { Destination: config.onSuccess.arn } : {},
      OnFailure: config.onFailure ? { Destination: config.onFailure.arn } : {},
    },
  };
}

/**
 * An AWS::Lambda::EventInvokeConfig resource's properties (references resolved): the function it configures
 * and the configuration. Qualifier is required; only $LATEST runs locally, so another one is an error.
 */
export function eventInvokeConfigResource(props: Readonly<Record<string, unknown>>): {
  readonly functionName: string;
  readonly config: EventInvokeConfig;
} {
  const functionName = props.FunctionName;
  if (typeof functionName !== "string" || functionName === "") {
    throw new InvokeConfigError("FunctionName is required");
  }
  const qualifier = props.Qualifier;
  if (qualifier !== "$LATEST") {
    throw new InvokeConfigError(
      `Qualifier ${JSON.stringify(qualifier)} cannot be honoured locally: only $LATEST runs (no versions or aliases)`,
    );
  }
  return { functionName, config: readEventInvokeConfig(props, ["FunctionName", "Qualifier"]) };
}
