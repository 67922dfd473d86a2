/**
 * What the dashboard reads, one source at a time: the environment variable its handler finds the source by
 * (`lambdas/dashboard/settings.ts`), and the least grant that reads it. A source is made in the dashboard's stack
 * (`scope`), so it can import a resource by export name as well as take another stack's construct.
 */
import { ArnFormat, Stack, Validations } from "aws-cdk-lib";
import type { ITable } from "aws-cdk-lib/aws-dynamodb";
import { Grant, type IGrantable } from "aws-cdk-lib/aws-iam";
import type { IBucket } from "aws-cdk-lib/aws-s3";
import { Construct, type IConstruct } from "constructs";
import type { DashboardSourceVariable } from "../../../lambdas/dashboard/settings";

export interface DashboardSource {
  /** The variables that tell the handler where the source is. */
  readonly environment: Readonly<Partial<Record<DashboardSourceVariable, string>>>;
  /** Grants `grantee` the rights to read it, nothing more. */
  grant(grantee: IGrantable & Construct): void;
}

export type DashboardSourceFactory = (scope: Construct) => DashboardSource;

/** Reading a table: items and queries; add `dynamodb:Scan` only where a page lists a whole (small) table. */
export const TABLE_READ = ["dynamodb:GetItem", "dynamodb:Query"] as const;

export function tableSource(
  variable: DashboardSourceVariable,
  table: ITable,
  actions: readonly string[] = TABLE_READ,
): DashboardSourceFactory {
  return () => ({
    environment: { [variable]: table.tableName },
    grant: (grantee) => {
      table.grant(grantee, ...actions);
    },
  });
}

/** Reading a bucket's objects (under `prefix`, if given) and listing it. */
export function bucketSource(
  variable: DashboardSourceVariable,
  bucket: (scope: Construct) => IBucket,
  prefix?: string,
): DashboardSourceFactory {
  return (scope) => {
    const b = bucket(scope);
    return {
      environment: { [variable]: b.bucketName },
      grant: (grantee) => {
        b.grantRead(grantee, prefix === undefined ? "*" : `${prefix}/*`);
      },
    };
  };
}

/** A plain value the handler needs, with no rights behind it (e.g. the tracked keywords). */
export function valueSource(variable: DashboardSourceVariable, value: string): DashboardSourceFactory {
  return () => ({ environment: { [variable]: value }, grant: () => {} });
}

/**
 * CloudWatch reads: metrics (GetMetricData, ListMetrics) and alarms (DescribeAlarms, DescribeAlarmHistory). Metric
 * reads support no resource-level permissions; alarm reads are limited to this deployment's alarms by name prefix.
 */
export function cloudWatchSource(alarmNamePrefix: string): DashboardSourceFactory {
  return () => ({
    environment: {},
    grant: (grantee) => {
      const stack = Stack.of(grantee);
      const alarms = `${alarmNamePrefix}*`;
      Grant.addToPrincipal({
        grantee,
        actions: ["cloudwatch:GetMetricData", "cloudwatch:ListMetrics"],
        resourceArns: ["*"],
      });
      Grant.addToPrincipal({
        grantee,
        actions: ["cloudwatch:DescribeAlarms", "cloudwatch:DescribeAlarmHistory"],
        resourceArns: [
          stack.formatArn({
            service: "cloudwatch",
            resource: "alarm",
            resourceName: alarms,
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        ],
      });
      // The findings are on the role's policy, which is the principal's (not a child of the function).
      const principal = grantee.grantPrincipal;
      const scope: IConstruct = principal instanceof Construct ? principal : grantee;
      Validations.of(scope).acknowledge(
        {
          id: "AwsSolutions-IAM5[Resource::*]",
          reason:
            "CloudWatch GetMetricData and ListMetrics support no resource-level permissions (IAM service reference)",
        },
        {
          id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:cloudwatch:<AWS::Region>:<AWS::AccountId>:alarm:${alarms}]`,
          reason: "The alarms the dashboard shows are this deployment's: every alarm name starts with its stack prefix",
        },
      );
    },
  });
}
