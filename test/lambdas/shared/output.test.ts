import { kafkaOutput } from "#shared/output";

const settings = {
  // Nothing listens here: a test that connected would fail, so these show the producer never tries.
  KAFKA_BOOTSTRAP_SERVERS: ["127.0.0.1:1"],
  KAFKA_SECRET_ARN: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:kafka-AbCdEf",
  KAFKA_SSL: false,
  AWS_LAMBDA_FUNCTION_NAME: "sluice-pipeline-test",
};

describe("kafkaOutput", () => {
  test("nothing to send: resolves without connecting", async () => {
    await expect(kafkaOutput({ ...settings, OUTPUT_TOPIC: "out" })([])).resolves.toBeUndefined();
  });

  test("a stage without an output topic cannot emit, and says so before connecting", async () => {
    await expect(kafkaOutput({ ...settings, OUTPUT_TOPIC: undefined })([{ key: "Q42", value: {} }])).rejects.toThrow(
      "this stage has no OUTPUT_TOPIC",
    );
  });
});
