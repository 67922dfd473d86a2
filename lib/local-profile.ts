import { createHash } from "node:crypto";
import { Aspects, CfnCondition, CfnResource, Fn, type IAspect, Stack, Validations } from "aws-cdk-lib";
import { CfnAlarm } from "aws-cdk-lib/aws-cloudwatch";
import type { IConstruct } from "constructs";

/** CloudFormation types the local emulator cannot host; the local Lambda service runs them from cdk.out. */
export const LOCAL_SERVICE_TYPES: ReadonlySet<string> = new Set([
  "AWS::Lambda::Function",
  "AWS::Lambda::EventSourceMapping",
  "AWS::Lambda::Permission",
  "AWS::Lambda::Url",
  "AWS::Lambda::Version",
  "AWS::Lambda::Alias",
  "AWS::Lambda::EventInvokeConfig",
  "AWS::Lambda::LayerVersion",
  "AWS::Lambda::LayerVersionPermission",
  "AWS::Scheduler::Schedule",
]);

/**
 * Whether the local Lambda service, not the emulator, runs a resource: the Lambda types, EventBridge Scheduler
 * schedules (LocalStack community never fires them) and scheduled EventBridge rules (it would hand their
 * targets to its Docker-only Lambda). Their targets are functions the emulator skips, so it could not deploy them.
 * The one home of that rule: the aspect below applies it to constructs, and the local tooling applies it to the
 * synthesized templates of apps that are not ours (localstack/apps/).
 */
export function runsOnLocalService(type: string, hasScheduleExpression: boolean): boolean {
  return LOCAL_SERVICE_TYPES.has(type) || (type === "AWS::Events::Rule" && hasScheduleExpression);
}

/** A stable UUID (v4 layout) from a name, so a mapping keeps its id — and default group — across restarts. */
export function stableUuid(name: string): string {
  const h = createHash("sha256").update(name).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${((Number.parseInt(h[16] ?? "0", 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * The UUID the local Lambda service gives the Kafka mapping `logicalId` of stack `stackName` (AWS draws one at
 * random; locally it is derived from the names so that it, and the default consumer group, survive restarts).
 * An alarm on a mapping's metrics names it in its EventSourceMappingUUID dimension.
 */
export function localMappingUuid(stackName: string, logicalId: string): string {
  return stableUuid(`${stackName}/${logicalId}`);
}

/** The logical id of the always-false condition, and the metadata that marks what it skips. */
export const LOCAL_CONDITION_ID = "SluiceDeployedByCloudFormation";
export const RUNS_ON_METADATA = { key: "sluice:runs-on", value: "local-lambda-service" } as const;
/** The condition as it reads in a template: constant false, "local" is never "aws". */
export const LOCAL_CONDITION_TEMPLATE = { "Fn::Equals": ["local", "aws"] } as const;

/**
 * The local profile: every resource the emulator cannot host gets a CloudFormation Condition that
 * is false, so CloudFormation skips it while its full definition stays in the synthesized template
 * for the local Lambda service. Without the profile this aspect is not applied and the template is
 * the production one.
 */
export class LocalProfile implements IAspect {
  visit(node: IConstruct): void {
    if (node instanceof CfnAlarm) LocalProfile.unreferenceDimensions(node);
    if (!(node instanceof CfnResource)) return;
    const scheduleExpression = (node as unknown as { scheduleExpression?: unknown }).scheduleExpression;
    if (!runsOnLocalService(node.cfnResourceType, scheduleExpression !== undefined)) return;
    node.cfnOptions.condition = LocalProfile.conditionOf(Stack.of(node));
    node.addMetadata(RUNS_ON_METADATA.key, RUNS_ON_METADATA.value);
  }

  /** The stack's always-false condition, created on first use. */
  private static conditionOf(stack: Stack): CfnCondition {
    const existing = stack.node.tryFindChild(LOCAL_CONDITION_ID);
    if (existing instanceof CfnCondition) return existing;
    Validations.of(stack).acknowledge({
      id: "CloudFormation-Validate::W8003",
      reason:
        "The local profile's condition is false on purpose: CloudFormation skips what the local Lambda service runs.",
    });
    // Constant false: "local" is never "aws". Kept as a condition so the template still shows the resource.
    const [left, right] = LOCAL_CONDITION_TEMPLATE["Fn::Equals"];
    return new CfnCondition(stack, LOCAL_CONDITION_ID, { expression: Fn.conditionEquals(left, right) });
  }

  /**
   * An alarm stays with CloudFormation (LocalStack evaluates it), but a dimension that refers to what the local
   * service runs (a mapping's EventSourceMappingUUID, a function's name by Ref) would be an unresolved reference
   * to a skipped resource: it becomes the value the local service gives that resource, which is also the value
   * its metrics carry.
   */
  private static unreferenceDimensions(alarm: CfnAlarm): void {
    const stack = Stack.of(alarm);
    const dimensions = stack.resolve(alarm.dimensions) as Array<{ name: string; value: string }> | undefined;
    if (dimensions === undefined) return;
    const byLogicalId = new Map<string, CfnResource>();
    for (const c of stack.node.findAll()) {
      if (c instanceof CfnResource) byLogicalId.set(stack.resolve(c.logicalId) as string, c);
    }
    let changed = false;
    const local = dimensions.map((d) => {
      const ref = (d.value as { Ref?: unknown } | null)?.Ref;
      const target = typeof ref === "string" ? byLogicalId.get(ref) : undefined;
      if (target === undefined || !runsOnLocalService(target.cfnResourceType, false)) return d;
      changed = true;
      return { name: d.name, value: LocalProfile.localValue(stack, ref as string, target) };
    });
    if (changed) alarm.dimensions = local;
  }

  private static localValue(stack: Stack, logicalId: string, target: CfnResource): string {
    if (target.cfnResourceType === "AWS::Lambda::EventSourceMapping")
      return localMappingUuid(stack.stackName, logicalId);
    if (target.cfnResourceType === "AWS::Lambda::Function") {
      const name = stack.resolve((target as unknown as { functionName?: unknown }).functionName);
      return typeof name === "string" ? name : `${stack.stackName}-${logicalId}`.slice(0, 64);
    }
    throw new Error(
      `alarm dimension refers to ${target.cfnResourceType} ${logicalId}, which the local Lambda service runs and has no local value for`,
    );
  }

  static applyTo(scope: IConstruct): void {
    Aspects.of(scope).add(new LocalProfile());
  }
}
