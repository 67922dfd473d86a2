/**
 * The lake, faces and health pages' sources, on top of `sources.ts`: the data stack's buckets imported by export
 * name (as every pipeline stack imports them, so cdk-nag names them by their export), each read grant's findings
 * acknowledged with its reason, and the CloudWatch reads' findings acknowledged where the role's policy is (the
 * dashboard construct, the parent of the function and of its role).
 */
import { Fn, Stack, Token, Validations } from "aws-cdk-lib";
import { Bucket, type IBucket } from "aws-cdk-lib/aws-s3";
import type { Construct } from "constructs";
import type { DashboardSourceVariable } from "../../../lambdas/dashboard/settings";
import { bucketSource, cloudWatchSource, type DashboardSourceFactory } from "./sources";

/** The actions CDK's read grant gives (`grantRead`): object and bucket reads, listing. */
const READ_ACTION_GROUPS = ["s3:GetObject*", "s3:GetBucket*", "s3:List*"];

type Findings = ReadonlyArray<readonly [finding: string, reason: string]>;

/**
 * `inner`, whose grant is followed by acknowledging `findings(grantee)` on the construct that holds the function's
 * role (the dashboard construct, the function's parent): cdk-nag reports the role's policy there.
 */
function acknowledged(
  inner: DashboardSourceFactory,
  findings: (grantee: Construct) => Findings,
): DashboardSourceFactory {
  return (scope) => {
    const source = inner(scope);
    return {
      environment: source.environment,
      grant(grantee) {
        source.grant(grantee);
        for (const [finding, reason] of findings(grantee)) {
          Validations.of(grantee.node.scope ?? grantee).acknowledge({ id: `AwsSolutions-IAM5[${finding}]`, reason });
        }
      },
    };
  };
}

/**
 * Reads of a data-stack bucket (by the export of its ARN), under `prefix` if given, for the page that shows it;
 * `reason` says why the page reads those objects.
 */
export function exportedBucketSource(
  variable: DashboardSourceVariable,
  bucketArnExport: string,
  prefix: string | undefined,
  reason: string,
): DashboardSourceFactory {
  const imported = new Map<Construct, IBucket>();
  const bucketOf = (scope: Construct): IBucket => {
    let bucket = imported.get(scope);
    if (bucket === undefined) {
      bucket = Bucket.fromBucketArn(scope, `Source${variable}`, Fn.importValue(bucketArnExport));
      imported.set(scope, bucket);
    }
    return bucket;
  };
  return acknowledged(bucketSource(variable, bucketOf, prefix), () => [
    ...READ_ACTION_GROUPS.map(
      (a) => [`Action::${a}`, `CDK's read grant (grantRead) on ${variable}: object and bucket reads only`] as const,
    ),
    [`Resource::${bucketArnExport}/${prefix === undefined ? "" : `${prefix}/`}*`, reason],
  ]);
}

/** `cloudWatchSource`, with its findings acknowledged on the construct that holds the function's role. */
export function acknowledgedCloudWatchSource(alarmNamePrefix: string): DashboardSourceFactory {
  return acknowledged(cloudWatchSource(alarmNamePrefix), (grantee) => {
    // The alarm ARN as cdk-nag writes it: with the stack's region and account when they are known (the local
    // profile), else with the pseudo-parameters' names.
    const stack = Stack.of(grantee);
    const known = !Token.isUnresolved(stack.region) && !Token.isUnresolved(stack.account);
    const arn = known
      ? `arn:aws:cloudwatch:${stack.region}:${stack.account}:alarm:${alarmNamePrefix}*`
      : `arn:<AWS::Partition>:cloudwatch:<AWS::Region>:<AWS::AccountId>:alarm:${alarmNamePrefix}*`;
    return [
      ["Resource::*", "CloudWatch GetMetricData and ListMetrics support no resource-level permissions"],
      [`Resource::${arn}`, "DescribeAlarms and DescribeAlarmHistory on this deployment's alarms (by name prefix)"],
    ];
  });
}
