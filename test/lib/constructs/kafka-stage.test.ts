import { join } from "node:path";
import { App, Duration, Stack } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import { MetricType } from "aws-cdk-lib/aws-lambda";
import { Bucket } from "aws-cdk-lib/aws-s3";
import { Secret } from "aws-cdk-lib/aws-secretsmanager";
import { Topic } from "aws-cdk-lib/aws-sns";
import { KafkaStage, type KafkaStageProps } from "#lib/constructs/kafka-stage";

function props(overrides: Partial<KafkaStageProps> = {}): KafkaStageProps {
  const stack = new Stack(new App(), "s");
  return {
    stageName: "demo",
    entry: join(__dirname, "../../../lambdas/faces/scrape/handler.ts"),
    inputTopic: "in",
    outputTopic: "out",
    bootstrapServers: ["127.0.0.1:9092"],
    kafkaSecret: new Secret(stack, "Secret"),
    failureBucket: new Bucket(stack, "Failures"),
    alertTopic: new Topic(stack, "Alerts"),
    ...overrides,
  };
}

describe("KafkaStage props are checked before synthesis", () => {
  test.each<[string, Partial<KafkaStageProps>, RegExp]>([
    ["batch size 0", { batchSize: 0 }, /batchSize must be a whole number from 1 to 10,000/],
    ["batch size 10,001", { batchSize: 10_001 }, /batchSize/],
    ["no record concurrency", { recordConcurrency: 0 }, /recordConcurrency must be a whole number from 1 to 64/],
    ["a record concurrency of 65", { recordConcurrency: 65 }, /recordConcurrency/],
    ["a window in milliseconds", { maxBatchingWindow: Duration.millis(500) }, /whole seconds.*leave it unset/],
    ["a window over 300 s", { maxBatchingWindow: Duration.seconds(301) }, /maxBatchingWindow/],
    ["output = input", { outputTopic: "in" }, /outputTopic must differ from inputTopic/],
    ["11 brokers", { bootstrapServers: Array.from({ length: 11 }, (_, i) => `b${i}:9092`) }, /1 to 10 brokers/],
    ["no brokers", { bootstrapServers: [] }, /1 to 10 brokers/],
    ["a bad topic", { inputTopic: "a/b" }, /not a valid Kafka topic/],
    ["retries below -1", { retryAttempts: -2 }, /retryAttempts/],
    ["record age under a minute", { maxRecordAge: Duration.seconds(30) }, /maxRecordAge/],
    ["AT_TIMESTAMP without a timestamp", { startingPosition: "AT_TIMESTAMP" }, /startingPositionTimestamp/],
    ["a timestamp without AT_TIMESTAMP", { startingPositionTimestamp: 1 }, /startingPositionTimestamp/],
    ["an upper-case stage name", { stageName: "Demo" }, /stageName/],
    ["no minimum poller", { provisionedPollers: { minimum: 0, maximum: 3 } }, /provisionedPollers.minimum.*1 to 200/],
    ["2,001 pollers", { provisionedPollers: { minimum: 1, maximum: 2001 } }, /provisionedPollers.maximum.*1 to 2000/],
    ["minimum over maximum", { provisionedPollers: { minimum: 4, maximum: 2 } }, /must not exceed/],
    ["an OffsetLag threshold of 0", { offsetLagAlarmThreshold: 0 }, /offsetLagAlarmThreshold.*at least 1/],
    ["a fractional OffsetLag threshold", { offsetLagAlarmThreshold: 2.5 }, /offsetLagAlarmThreshold/],
    ["an empty filter list", { filters: [] }, /filters must hold 1 to 5 patterns/],
    ["six filters", { filters: Array.from({ length: 6 }, () => ({ value: { a: [1] } })) }, /1 to 5 patterns/],
    [
      "a filter on the key",
      { filters: [{ value: { a: [1] }, key: ["k"] } as unknown as { value: Record<string, unknown> }] },
      /filters\[0\] must match on "value" only/,
    ],
    ["an empty value pattern", { filters: [{ value: {} }] }, /filters\[0\].value must be a non-empty/],
    ["an empty matcher list", { filters: [{ value: [] }] }, /non-empty/],
    ["a pattern over 4,096 characters", { filters: [{ value: { a: ["x".repeat(4100)] } }] }, /AWS allows 4096/],
  ])("%s is refused", (_what, overrides, message) => {
    expect(() => KafkaStage.validate(props(overrides))).toThrow(message);
  });

  test("valid props pass", () => {
    expect(() =>
      KafkaStage.validate(props({ maxBatchingWindow: Duration.seconds(1), retryAttempts: -1, batchSize: 10_000 })),
    ).not.toThrow();
  });
});

describe("a stage's mapping metrics", () => {
  const synth = (overrides: Partial<KafkaStageProps>) => {
    const p = props(overrides);
    const stack = Stack.of(p.kafkaSecret);
    new KafkaStage(stack, "Stage", p);
    return Template.fromStack(stack);
  };

  test("opts into MetricsConfig groups when asked", () => {
    synth({ metrics: [MetricType.EVENT_COUNT, MetricType.ERROR_COUNT] }).hasResourceProperties(
      "AWS::Lambda::EventSourceMapping",
      { MetricsConfig: { Metrics: ["EventCount", "ErrorCount"] } },
    );
  });

  test("has no MetricsConfig by default", () => {
    synth({}).hasResourceProperties("AWS::Lambda::EventSourceMapping", { MetricsConfig: Match.absent() });
  });
});

describe("KafkaStage filters", () => {
  test("reach the event-source mapping as FilterCriteria, one JSON pattern each", () => {
    const base = props();
    const stack = Stack.of(base.kafkaSecret);
    new KafkaStage(stack, "Filtered", {
      ...base,
      outputTopic: undefined,
      filters: [{ value: { tracked_keywords: [{ exists: true }] } }, { value: ["plain"] }],
    });
    Template.fromStack(stack).hasResourceProperties("AWS::Lambda::EventSourceMapping", {
      FilterCriteria: {
        Filters: [
          { Pattern: JSON.stringify({ value: { tracked_keywords: [{ exists: true }] } }) },
          { Pattern: JSON.stringify({ value: ["plain"] }) },
        ],
      },
    });
  });

  test("are absent unless asked for", () => {
    const base = props();
    const stack = Stack.of(base.kafkaSecret);
    new KafkaStage(stack, "Unfiltered", base);
    const mappings = Template.fromStack(stack).findResources("AWS::Lambda::EventSourceMapping");
    for (const mapping of Object.values(mappings)) expect(mapping.Properties.FilterCriteria).toBeUndefined();
  });
});
