import { ArnFormat, Stack, Validations } from "aws-cdk-lib";
import type { ITable } from "aws-cdk-lib/aws-dynamodb";
import { PolicyStatement } from "aws-cdk-lib/aws-iam";
import type { Function as LambdaFunction } from "aws-cdk-lib/aws-lambda";
import type { IBucket } from "aws-cdk-lib/aws-s3";
import { Construct } from "constructs";
import { facesEnvironment } from "../../lambdas/dashboard/api/faces-settings";
import { healthEnvironment } from "../../lambdas/dashboard/api/health-settings";
import { lakeEnvironment } from "../../lambdas/dashboard/api/lake-settings";
import { DATASET_PREFIX } from "../../lambdas/faces/clean/dataset";
import { LAKE_PREFIX } from "../../lambdas/hourly/shared/lake-layout";
import { findingArn } from "./nag-finding";

/** Where the face pipeline's clean stage puts the re-encoded images (`clean/sha256/…`). */
const CLEAN_IMAGES_PREFIX = "clean";

export interface DashboardDataAccessProps {
  /** The dashboard's function: it gets the environment and the grants below. */
  readonly function: LambdaFunction;
  /** The hourly runs table (Query only). */
  readonly runsTable: ITable;
  /** The face pipeline's metadata table (Scan, Query, GetItem). */
  readonly metadataTable: ITable;
  /** Read and listed under `lake/observations/` and the faces dataset's prefix only. */
  readonly lakeBucket: IBucket;
  /** Read under `clean/` only (the clean images the gallery shows). */
  readonly imagesBucket: IBucket;
  /** Read and listed whole (the records the Kafka mappings gave up on). */
  readonly failuresBucket: IBucket;
  /** The alerts topic's ARN: the lake page's alarms are the ones that notify it. */
  readonly alertsTopicArn: string;
  /** The health page shows the functions whose names start with this (`<stack prefix>-`). */
  readonly functionPrefix: string;
}

/**
 * What the dashboard's lake, faces and health pages read, and nothing more: the environment their settings modules
 * declare, and least-privilege grants (no write, no delete; S3 reads and listings on the prefixes the pages show).
 * CloudWatch's GetMetricData and ListMetrics take no resource but `*`; DescribeAlarms and DescribeAlarmHistory are
 * limited to alarms. Each wildcard is acknowledged to cdk-nag with its reason.
 */
export class DashboardDataAccess extends Construct {
  constructor(scope: Construct, id: string, props: DashboardDataAccessProps) {
    super(scope, id);
    const fn = props.function;
    const env = {
      ...lakeEnvironment({
        runsTable: props.runsTable.tableName,
        lakeBucket: props.lakeBucket.bucketName,
        alertsTopicArn: props.alertsTopicArn,
      }),
      ...facesEnvironment({
        metadataTable: props.metadataTable.tableName,
        imagesBucket: props.imagesBucket.bucketName,
        lakeBucket: props.lakeBucket.bucketName,
        failuresBucket: props.failuresBucket.bucketName,
      }),
      ...healthEnvironment({ functionPrefix: props.functionPrefix }),
    };
    for (const [name, value] of Object.entries(env)) if (value !== undefined) fn.addEnvironment(name, value);

    props.runsTable.grant(fn, "dynamodb:Query");
    props.metadataTable.grant(fn, "dynamodb:Scan", "dynamodb:Query", "dynamodb:GetItem");

    const lakePrefixes = [LAKE_PREFIX, DATASET_PREFIX];
    const statements = [
      new PolicyStatement({
        actions: ["s3:ListBucket"],
        resources: [props.lakeBucket.bucketArn],
        conditions: { StringLike: { "s3:prefix": lakePrefixes.map((p) => `${p}/*`) } },
      }),
      new PolicyStatement({
        actions: ["s3:GetObject"],
        resources: lakePrefixes.map((p) => props.lakeBucket.arnForObjects(`${p}/*`)),
      }),
      new PolicyStatement({
        actions: ["s3:GetObject"],
        resources: [props.imagesBucket.arnForObjects(`${CLEAN_IMAGES_PREFIX}/*`)],
      }),
      new PolicyStatement({ actions: ["s3:ListBucket"], resources: [props.failuresBucket.bucketArn] }),
      new PolicyStatement({ actions: ["s3:GetObject"], resources: [props.failuresBucket.arnForObjects("*")] }),
      new PolicyStatement({ actions: ["cloudwatch:GetMetricData", "cloudwatch:ListMetrics"], resources: ["*"] }),
      new PolicyStatement({
        actions: ["cloudwatch:DescribeAlarms", "cloudwatch:DescribeAlarmHistory"],
        resources: [
          Stack.of(this).formatArn({
            service: "cloudwatch",
            resource: "alarm",
            resourceName: "*",
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        ],
      }),
    ];
    for (const s of statements) fn.addToRolePolicy(s);

    const findings: Array<[string, string]> = [
      ...lakePrefixes.map((p): [string, string] => [
        `Resource::${findingArn(this, props.lakeBucket.bucketArn)}/${p}/*`,
        `Reads the lake's Parquet objects under ${p}/ (their footers' row counts): keys are made per Kafka batch.`,
      ]),
      [
        `Resource::${findingArn(this, props.imagesBucket.bucketArn)}/${CLEAN_IMAGES_PREFIX}/*`,
        "Reads the clean images (content-addressed keys under clean/) to make the gallery's thumbnails.",
      ],
      [
        `Resource::${findingArn(this, props.failuresBucket.bucketArn)}/*`,
        "Reads the failure records the Kafka mappings write under keys of their own (aws/lambda/<mapping>/…).",
      ],
      [
        "Resource::*",
        "cloudwatch:GetMetricData and cloudwatch:ListMetrics accept no resource but * (IAM service authorization reference).",
      ],
      [
        `Resource::arn:<AWS::Partition>:cloudwatch:<AWS::Region>:<AWS::AccountId>:alarm:*`,
        "DescribeAlarms and DescribeAlarmHistory list the account's alarms; the page keeps those notifying the alerts topic.",
      ],
    ];
    for (const [finding, reason] of findings) {
      Validations.of(fn).acknowledge({ id: `AwsSolutions-IAM5[${finding}]`, reason });
    }
  }
}
