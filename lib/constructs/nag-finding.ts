import { Stack } from "aws-cdk-lib";
import type { Construct } from "constructs";

/**
 * An ARN as cdk-nag names it in a finding's resource (`AwsSolutions-IAM5[Resource::<this>/…]`): an imported ARN by
 * its export name, anything else as the template holds it (a plain string, or the token's JSON).
 */
export function findingArn(scope: Construct, arn: string): string {
  const resolved: unknown = Stack.of(scope).resolve(arn);
  const imported = (resolved as { "Fn::ImportValue"?: unknown } | undefined)?.["Fn::ImportValue"];
  return typeof imported === "string" ? imported : typeof resolved === "string" ? resolved : JSON.stringify(resolved);
}
