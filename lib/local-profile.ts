import { Aspects, CfnCondition, CfnResource, Fn, type IAspect, Stack, Validations } from "aws-cdk-lib";
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

  static applyTo(scope: IConstruct): void {
    Aspects.of(scope).add(new LocalProfile());
  }
}
