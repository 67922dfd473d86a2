/**
 * Schedules and scheduled rules read from a cloud assembly: validated as AWS validates them, every problem
 * naming its resource; and what the service cannot honour reported by name instead of dropped.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type DeployedState, loadAssembly } from "#local/lambda-service/assembly";
import {
  type SyntheticMapping,
  type SyntheticSchedule,
  writeSyntheticAssembly,
} from "#local/lambda-service/synthetic-assembly";

const env = { region: "us-east-1", accountId: "000000000000" };
const state: DeployedState = { physicalIds: () => new Map(), exports: new Map() };

interface Template {
  Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
}

function load(
  options: { schedules?: SyntheticSchedule[]; mappings?: SyntheticMapping[] },
  patch?: (t: Template) => void,
) {
  const dir = mkdtempSync(join(tmpdir(), "sluice-schedules-"));
  const code = mkdtempSync(join(tmpdir(), "sluice-code-"));
  const written = writeSyntheticAssembly(dir, {
    stackName: "sched",
    functions: [{ logicalId: "Worker", functionName: "worker", codeDir: code }],
    ...options,
  });
  if (patch) {
    const template = JSON.parse(readFileSync(written.templateFile, "utf8")) as Template;
    patch(template);
    writeFileSync(written.templateFile, JSON.stringify(template));
  }
  return loadAssembly(dir, state, env);
}

const nightly: SyntheticSchedule = {
  kind: "schedule",
  logicalId: "Nightly",
  name: "nightly",
  expression: "cron(30 2 * * ? *)",
  functionLogicalId: "Worker",
  target: { Input: '{"job":"nightly"}', RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 120 } },
  properties: { ScheduleExpressionTimezone: "Europe/Berlin", EndDate: "2027-01-01T00:00:00Z" },
};

it("reads a Scheduler schedule with its zone, dates, target, input and retry policy", () => {
  const { schedules, reports } = load({ schedules: [nightly] });
  expect(schedules).toEqual([
    expect.objectContaining({
      kind: "schedule",
      name: "nightly",
      arn: "arn:aws:scheduler:us-east-1:000000000000:schedule/default/nightly",
      zone: "Europe/Berlin",
      endMs: Date.parse("2027-01-01T00:00:00Z"),
      enabled: true,
      targets: [
        {
          id: "Target",
          functionName: "worker",
          input: { kind: "scheduler", input: '{"job":"nightly"}' },
          retry: { maximumRetryAttempts: 3, maximumEventAgeSeconds: 120 },
          deadLetterArn: undefined,
        },
      ],
    }),
  ]);
  expect(reports).toEqual([]);
});

it("reads a scheduled rule with an InputTransformer, always in UTC", () => {
  const { schedules } = load({
    schedules: [
      {
        kind: "rule",
        logicalId: "Tick",
        name: "tick",
        expression: "rate(5 minutes)",
        functionLogicalId: "Worker",
        target: { InputTransformer: { InputPathsMap: { t: "$.time" }, InputTemplate: '{"at": <t>}' } },
      },
    ],
  });
  expect(schedules[0]).toMatchObject({
    kind: "rule",
    arn: "arn:aws:events:us-east-1:000000000000:rule/tick",
    zone: "UTC",
    targets: [{ input: { kind: "transformer", pathsMap: { t: "$.time" }, template: '{"at": <t>}' } }],
  });
});

it.each([
  [{ expression: "cron(0 10 * * * *)" }, /sched\/Nightly \(AWS::Scheduler::Schedule\): invalid schedule expression/],
  [{ properties: { ScheduleExpressionTimezone: "Berlin" } }, /sched\/Nightly .*"Berlin" is not an IANA time zone/],
  [
    { target: { RetryPolicy: { MaximumRetryAttempts: 186 } } },
    /sched\/Nightly .*MaximumRetryAttempts must be 0 to 185/,
  ],
  [
    { target: { RetryPolicy: { MaximumEventAgeInSeconds: 59 } } },
    /sched\/Nightly .*MaximumEventAgeInSeconds must be 60 to 86400/,
  ],
  [{ properties: { State: "PAUSED" } }, /sched\/Nightly .*State must be ENABLED or DISABLED/],
  [{ target: { DeadLetterConfig: { Arn: "arn:aws:sns:us-east-1:000000000000:t" } } }, /must be an SQS queue ARN/],
])("refuses an invalid schedule, naming it (%j)", (change, message) => {
  expect(() => load({ schedules: [{ ...nightly, ...change }] })).toThrow(message);
});

it("refuses at() on a rule and exclusive inputs, naming the rule", () => {
  const rule: SyntheticSchedule = {
    kind: "rule",
    logicalId: "Once",
    name: "once",
    expression: "at(2026-12-24T18:00:00)",
    functionLogicalId: "Worker",
  };
  expect(() => load({ schedules: [rule] })).toThrow(/sched\/Once \(AWS::Events::Rule\): .*not rules/);
  expect(() =>
    load({ schedules: [{ ...rule, expression: "rate(1 day)", target: { Input: "{}", InputPath: "$.detail" } }] }),
  ).toThrow(/sched\/Once .*exclusive/);
});

it("reports a non-Lambda target and a flexible window by name", () => {
  const { schedules, reports } = load({
    schedules: [
      { ...nightly, targetArn: "arn:aws:sqs:us-east-1:000000000000:q" },
      {
        ...nightly,
        logicalId: "Flex",
        name: "flex",
        properties: { FlexibleTimeWindow: { Mode: "FLEXIBLE", MaximumWindowInMinutes: 15 } },
      },
    ],
  });
  expect(schedules.map((s) => s.name)).toEqual(["flex"]);
  expect(reports).toEqual([
    expect.objectContaining({ logicalId: "Nightly", property: "Target.Arn", action: "refused" }),
    expect.objectContaining({ logicalId: "Flex", property: "FlexibleTimeWindow", action: "ignored" }),
  ]);
});

describe("what the service cannot honour", () => {
  const mapping: SyntheticMapping = {
    logicalId: "Feed",
    functionLogicalId: "Worker",
    topic: "t",
    bootstrapServers: ["127.0.0.1:9092"],
  };

  it("refuses a Kafka mapping with a schema registry, and does not run it", () => {
    const { mappings, reports } = load({
      mappings: [
        {
          ...mapping,
          extraProperties: {
            SelfManagedKafkaEventSourceConfig: {
              SchemaRegistryConfig: { SchemaRegistryURI: "https://registry", EventRecordFormat: "JSON" },
            },
          },
        },
      ],
    });
    expect(mappings).toEqual([]);
    expect(reports).toEqual([
      expect.objectContaining({
        logicalId: "Feed",
        type: "AWS::Lambda::EventSourceMapping",
        property: "SelfManagedKafkaEventSourceConfig.SchemaRegistryConfig",
        action: "refused",
      }),
    ]);
  });

  it.each(["CLIENT_CERTIFICATE_TLS_AUTH", "SERVER_ROOT_CA_CERTIFICATE"])(
    "refuses a Kafka mapping with %s rather than connect without it",
    (type) => {
      const { mappings, reports } = load({
        mappings: [
          {
            ...mapping,
            extraProperties: { SourceAccessConfigurations: [{ Type: type, URI: "arn:aws:secretsmanager:x" }] },
          },
        ],
      });
      expect(mappings).toEqual([]);
      expect(reports).toEqual([
        expect.objectContaining({
          logicalId: "Feed",
          property: `SourceAccessConfigurations[0] ${type}`,
          action: "refused",
        }),
      ]);
    },
  );

  it("reports function properties, unrun Lambda types and non-Kafka mappings by name", () => {
    const { functions, reports } = load({}, (template) => {
      const worker = template.Resources.Worker;
      if (worker) worker.Properties.VpcConfig = { SubnetIds: ["s"] };
      template.Resources.WorkerAlias = {
        Type: "AWS::Lambda::Alias",
        Properties: { FunctionVersion: "1", Name: "live" },
      };
      template.Resources.Queue = {
        Type: "AWS::Lambda::EventSourceMapping",
        Properties: { EventSourceArn: "arn:aws:sqs:x" },
      };
      template.Resources.Pattern = { Type: "AWS::Events::Rule", Properties: { EventPattern: { source: ["x"] } } };
    });
    expect(functions.map((f) => f.name)).toEqual(["worker"]);
    expect(reports).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ logicalId: "Worker", property: "VpcConfig", action: "ignored" }),
        expect.objectContaining({ logicalId: "WorkerAlias", type: "AWS::Lambda::Alias", action: "ignored" }),
        expect.objectContaining({ logicalId: "Queue", property: "SelfManagedEventSource", action: "refused" }),
        expect.objectContaining({ logicalId: "Pattern", type: "AWS::Events::Rule", action: "refused" }),
      ]),
    );
    expect(reports).toHaveLength(4);
  });
});
