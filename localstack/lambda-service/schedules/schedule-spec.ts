/**
 * Reads the schedules of a cloud assembly — EventBridge Scheduler `AWS::Scheduler::Schedule` and
 * EventBridge `AWS::Events::Rule` with a ScheduleExpression — into specs the local scheduler fires, validated
 * as AWS validates them; what the local service cannot honour (non-Lambda targets, event patterns…) is
 * reported by name rather than dropped.
 */
import { type ResolveContext, resolve } from "../intrinsics";
import type { UnhonouredReport } from "../unhonoured";
import { ExpressionError, isTimeZone, parseScheduleExpression, type ScheduleExpression } from "./expressions";
import { InputError, type RuleTargetInput, validatePath } from "./input";

export interface RetryPolicy {
  /** 0-185; default 185. */
  readonly maximumRetryAttempts: number;
  /** 60-86400; default 86400. */
  readonly maximumEventAgeSeconds: number;
}

export interface ScheduleTarget {
  readonly id: string;
  readonly functionName: string;
  /** Scheduler: the Input text (context attributes substituted at firing); rules: how the event becomes input. */
  readonly input: { readonly kind: "scheduler"; readonly input?: string } | RuleTargetInput;
  readonly retry: RetryPolicy;
  /** An SQS queue ARN. */
  readonly deadLetterArn?: string;
}

export interface ScheduleSpec {
  readonly kind: "schedule" | "rule";
  readonly name: string;
  readonly stackName: string;
  readonly logicalId: string;
  readonly arn: string;
  readonly expression: ScheduleExpression;
  /** IANA zone; rules are always UTC. */
  readonly zone: string;
  readonly startMs?: number;
  readonly endMs?: number;
  readonly enabled: boolean;
  /** FlexibleTimeWindow MaximumWindowInMinutes; fired at the window's start locally. */
  readonly flexibleWindowMinutes?: number;
  readonly targets: readonly ScheduleTarget[];
}

export interface ScheduleRead {
  readonly specs: ScheduleSpec[];
  readonly problems: string[];
  readonly reports: UnhonouredReport[];
}

export const SCHEDULE_TYPES = new Set(["AWS::Scheduler::Schedule", "AWS::Events::Rule"]);

const DEFAULT_RETRY: RetryPolicy = { maximumRetryAttempts: 185, maximumEventAgeSeconds: 86_400 };
const LAMBDA_ARN = /^arn:aws[\w-]*:lambda:[\w-]+:\d{12}:function:([A-Za-z0-9_-]+)$/;

function retryPolicy(raw: unknown): RetryPolicy {
  const r = (raw ?? {}) as { MaximumRetryAttempts?: unknown; MaximumEventAgeInSeconds?: unknown };
  const attempts = r.MaximumRetryAttempts === undefined ? 185 : Number(r.MaximumRetryAttempts);
  const age = r.MaximumEventAgeInSeconds === undefined ? 86_400 : Number(r.MaximumEventAgeInSeconds);
  if (!Number.isInteger(attempts) || attempts < 0 || attempts > 185) {
    throw new Error(`RetryPolicy.MaximumRetryAttempts must be 0 to 185 (got ${String(r.MaximumRetryAttempts)})`);
  }
  if (!Number.isInteger(age) || age < 60 || age > 86_400) {
    throw new Error(
      `RetryPolicy.MaximumEventAgeInSeconds must be 60 to 86400 (got ${String(r.MaximumEventAgeInSeconds)})`,
    );
  }
  return raw === undefined ? DEFAULT_RETRY : { maximumRetryAttempts: attempts, maximumEventAgeSeconds: age };
}

function deadLetter(raw: unknown): string | undefined {
  const arn = (raw as { Arn?: unknown } | undefined)?.Arn;
  if (arn === undefined) return undefined;
  if (typeof arn !== "string" || !arn.startsWith("arn:aws:sqs:")) {
    throw new Error(`DeadLetterConfig.Arn must be an SQS queue ARN (got ${JSON.stringify(arn)})`);
  }
  return arn;
}

function dateMs(value: unknown, property: string): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(String(value));
  if (!Number.isFinite(ms)) throw new Error(`${property} is not a date: ${JSON.stringify(value)}`);
  return ms;
}

/** Reads every schedule and scheduled rule of one stack's template. */
export function readSchedules(
  stackName: string,
  resources: Readonly<Record<string, { readonly Type: string; readonly Properties?: Record<string, unknown> }>>,
  ctx: ResolveContext,
  physical: ReadonlyMap<string, string>,
): ScheduleRead {
  const out: ScheduleRead = { specs: [], problems: [], reports: [] };
  for (const [logicalId, r] of Object.entries(resources)) {
    if (!SCHEDULE_TYPES.has(r.Type)) continue;
    const report = (property: string | undefined, message: string, action: UnhonouredReport["action"] = "ignored") =>
      out.reports.push({ stackName, logicalId, type: r.Type, property, message, action });
    try {
      const props = (resolve(ctx, r.Properties ?? {}) ?? {}) as Record<string, unknown>;
      const name =
        typeof props.Name === "string" ? props.Name : (physical.get(logicalId) ?? `${stackName}-${logicalId}`);
      const spec =
        r.Type === "AWS::Scheduler::Schedule"
          ? schedulerSpec(stackName, logicalId, name, props, ctx, report)
          : ruleSpec(stackName, logicalId, name, props, ctx, report);
      if (spec) out.specs.push(spec);
    } catch (error) {
      const message = error instanceof ExpressionError ? error.message : (error as Error).message;
      out.problems.push(`${stackName}/${logicalId} (${r.Type}): ${message}`);
    }
  }
  return out;
}

type Report = (property: string | undefined, message: string, action?: UnhonouredReport["action"]) => void;

function schedulerSpec(
  stackName: string,
  logicalId: string,
  name: string,
  props: Record<string, unknown>,
  ctx: ResolveContext,
  report: Report,
): ScheduleSpec | undefined {
  const expression = parseScheduleExpression(String(props.ScheduleExpression ?? ""), { allowAt: true });
  const zone = typeof props.ScheduleExpressionTimezone === "string" ? props.ScheduleExpressionTimezone : "UTC";
  if (!isTimeZone(zone)) throw new Error(`ScheduleExpressionTimezone "${zone}" is not an IANA time zone`);
  const window = (props.FlexibleTimeWindow ?? {}) as { Mode?: unknown; MaximumWindowInMinutes?: unknown };
  let flexibleWindowMinutes: number | undefined;
  if (window.Mode === "FLEXIBLE") {
    flexibleWindowMinutes = Number(window.MaximumWindowInMinutes);
    if (!Number.isInteger(flexibleWindowMinutes) || flexibleWindowMinutes < 1 || flexibleWindowMinutes > 1440) {
      throw new Error("FlexibleTimeWindow.MaximumWindowInMinutes must be 1 to 1440 with Mode FLEXIBLE");
    }
    report(
      "FlexibleTimeWindow",
      `fired at the start of its ${flexibleWindowMinutes}-minute window, not at a random time within it`,
    );
  } else if (window.Mode !== "OFF") {
    throw new Error(`FlexibleTimeWindow.Mode must be OFF or FLEXIBLE (got ${JSON.stringify(window.Mode)})`);
  }
  const state = props.State ?? "ENABLED";
  if (state !== "ENABLED" && state !== "DISABLED")
    throw new Error(`State must be ENABLED or DISABLED (got ${String(state)})`);
  const group = typeof props.GroupName === "string" ? props.GroupName : "default";
  for (const p of ["KmsKeyArn", "ActionAfterCompletion"]) {
    if (props[p] !== undefined) report(p, "not applied locally");
  }
  const target = (props.Target ?? {}) as Record<string, unknown>;
  const fn = LAMBDA_ARN.exec(String(target.Arn ?? ""));
  if (!fn) {
    report(
      "Target.Arn",
      `target ${String(target.Arn)} is not a Lambda function: the schedule is not run locally`,
      "refused",
    );
    return undefined;
  }
  for (const p of Object.keys(target)) {
    if (!["Arn", "RoleArn", "Input", "RetryPolicy", "DeadLetterConfig"].includes(p))
      report(`Target.${p}`, "not applied locally");
  }
  return {
    kind: "schedule",
    name,
    stackName,
    logicalId,
    arn: `arn:aws:scheduler:${ctx.region}:${ctx.accountId}:schedule/${group}/${name}`,
    expression,
    zone,
    startMs: dateMs(props.StartDate, "StartDate"),
    endMs: dateMs(props.EndDate, "EndDate"),
    enabled: state === "ENABLED",
    flexibleWindowMinutes,
    targets: [
      {
        id: "Target",
        functionName: fn[1] ?? "",
        input: { kind: "scheduler", input: typeof target.Input === "string" ? target.Input : undefined },
        retry: retryPolicy(target.RetryPolicy),
        deadLetterArn: deadLetter(target.DeadLetterConfig),
      },
    ],
  };
}

function ruleSpec(
  stackName: string,
  logicalId: string,
  name: string,
  props: Record<string, unknown>,
  ctx: ResolveContext,
  report: Report,
): ScheduleSpec | undefined {
  if (props.ScheduleExpression === undefined) {
    report("EventPattern", "event-pattern rules are not run by the local service (only scheduled rules)", "refused");
    return undefined;
  }
  const expression = parseScheduleExpression(String(props.ScheduleExpression), { allowAt: false });
  const bus = props.EventBusName;
  if (bus !== undefined && bus !== "default") {
    throw new Error(`a ScheduleExpression rule must be on the default event bus (got ${String(bus)})`);
  }
  if (props.EventPattern !== undefined) report("EventPattern", "only the rule's schedule is run locally");
  const targets: ScheduleTarget[] = [];
  for (const [i, t] of ((props.Targets as Array<Record<string, unknown>> | undefined) ?? []).entries()) {
    const id = typeof t.Id === "string" ? t.Id : String(i);
    const fn = LAMBDA_ARN.exec(String(t.Arn ?? ""));
    if (!fn) {
      report(`Targets[${id}].Arn`, `target ${String(t.Arn)} is not a Lambda function: not invoked locally`, "refused");
      continue;
    }
    for (const p of Object.keys(t)) {
      if (
        !["Id", "Arn", "RoleArn", "Input", "InputPath", "InputTransformer", "RetryPolicy", "DeadLetterConfig"].includes(
          p,
        )
      ) {
        report(`Targets[${id}].${p}`, "not applied locally");
      }
    }
    targets.push({
      id,
      functionName: fn[1] ?? "",
      input: ruleInput(t, id),
      retry: retryPolicy(t.RetryPolicy),
      deadLetterArn: deadLetter(t.DeadLetterConfig),
    });
  }
  const state = props.State ?? "ENABLED";
  return {
    kind: "rule",
    name,
    stackName,
    logicalId,
    arn: `arn:aws:events:${ctx.region}:${ctx.accountId}:rule/${name}`,
    expression,
    zone: "UTC",
    enabled: state === "ENABLED",
    targets,
  };
}

function ruleInput(t: Record<string, unknown>, id: string): RuleTargetInput {
  const given = ["Input", "InputPath", "InputTransformer"].filter((p) => t[p] !== undefined);
  if (given.length > 1) throw new Error(`target ${id}: Input, InputPath and InputTransformer are exclusive`);
  try {
    if (typeof t.Input === "string") {
      JSON.parse(t.Input);
      return { kind: "constant", input: t.Input };
    }
    if (typeof t.InputPath === "string") {
      validatePath(t.InputPath);
      return { kind: "path", path: t.InputPath };
    }
    const tr = t.InputTransformer as { InputPathsMap?: Record<string, string>; InputTemplate?: unknown } | undefined;
    if (tr) {
      if (typeof tr.InputTemplate !== "string") throw new InputError("InputTransformer.InputTemplate is required");
      const pathsMap = tr.InputPathsMap ?? {};
      if (Object.keys(pathsMap).length > 100) throw new InputError("InputPathsMap holds at most 100 entries");
      for (const [key, path] of Object.entries(pathsMap)) {
        if (key.startsWith("aws.")) throw new InputError(`InputPathsMap key "${key}" uses the reserved prefix aws.`);
        validatePath(path);
      }
      return { kind: "transformer", pathsMap, template: tr.InputTemplate };
    }
  } catch (error) {
    throw new Error(`target ${id}: ${(error as Error).message}`, { cause: error });
  }
  return { kind: "event" };
}
