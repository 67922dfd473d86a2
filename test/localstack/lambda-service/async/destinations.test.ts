/**
 * Where each destination kind puts the record: the SQS/SNS message body, an S3 object under our documented
 * key, an asynchronous invocation of the other function, an EventBridge event with AWS's source and
 * detail-type; and the dead letter with its attributes. Clients are fakes that keep what they were sent.
 */
import { DestinationDelivery, putEventsBody, s3RecordKey } from "#local/lambda-service/async/destinations";
import { deadLetterAttributes, type InvocationRecord } from "#local/lambda-service/async/record";

const record: InvocationRecord = {
  version: "1.0",
  timestamp: "2026-03-04T05:06:07.089Z",
  requestContext: {
    requestId: "r-1",
    functionArn: "arn:aws:lambda:us-east-1:000000000000:function:f:$LATEST",
    condition: "RetriesExhausted",
    approximateInvokeCount: 3,
  },
  requestPayload: { a: 1 },
};

function fakes() {
  const sent: Array<{ client: string; input: Record<string, unknown> }> = [];
  const client = (name: string) => ({
    async send(command: { input: Record<string, unknown>; constructor: { name: string } }) {
      sent.push({ client: `${name}.${command.constructor.name}`, input: command.input });
      return command.constructor.name === "GetQueueUrlCommand" ? { QueueUrl: "http://q/000000000000/records" } : {};
    },
  });
  const events: unknown[] = [];
  const invoked: Array<[string, string]> = [];
  const delivery = new DestinationDelivery({
    sqs: client("sqs") as never,
    sns: client("sns") as never,
    s3: client("s3") as never,
    putEvents: async (body) => {
      events.push(body);
    },
    invokeAsync: async (name, payload) => {
      invoked.push([name, payload]);
    },
  });
  return { sent, events, invoked, delivery };
}

describe("DestinationDelivery", () => {
  it("sends the record as an SQS message body", async () => {
    const f = fakes();
    await f.delivery.deliver({ arn: "arn:aws:sqs:us-east-1:000000000000:records", kind: "sqs" }, record, "f");
    expect(f.sent.map((s) => s.client)).toEqual(["sqs.GetQueueUrlCommand", "sqs.SendMessageCommand"]);
    expect(f.sent[0]?.input).toEqual({ QueueName: "records", QueueOwnerAWSAccountId: "000000000000" });
    expect(f.sent[1]?.input).toEqual({
      QueueUrl: "http://q/000000000000/records",
      MessageBody: JSON.stringify(record),
    });
  });

  it("publishes the record to SNS", async () => {
    const f = fakes();
    await f.delivery.deliver({ arn: "arn:aws:sns:us-east-1:000000000000:t", kind: "sns" }, record, "f");
    expect(f.sent).toEqual([
      {
        client: "sns.PublishCommand",
        input: { TopicArn: "arn:aws:sns:us-east-1:000000000000:t", Message: JSON.stringify(record) },
      },
    ]);
  });

  it("drops the payloads from a record over SNS's 256 KB", async () => {
    const f = fakes();
    const big = { ...record, requestPayload: { blob: "x".repeat(256 * 1024) }, responsePayload: { ok: true } };
    await f.delivery.deliver({ arn: "arn:aws:sns:us-east-1:000000000000:t", kind: "sns" }, big, "f");
    const message = JSON.parse(String(f.sent[0]?.input.Message)) as Record<string, unknown>;
    expect(message).toEqual({
      version: "1.0",
      timestamp: "2026-03-04T05:06:07.089Z",
      requestContext: record.requestContext,
    });
  });

  it("writes one S3 object per record under aws/lambda/async/<function>/YYYY/MM/DD/", async () => {
    const f = fakes();
    await f.delivery.deliver({ arn: "arn:aws:s3:::failures", kind: "s3" }, record, "f");
    expect(f.sent[0]?.input).toMatchObject({ Bucket: "failures", Body: JSON.stringify(record) });
    expect(String(f.sent[0]?.input.Key)).toMatch(
      /^aws\/lambda\/async\/f\/2026\/03\/04\/2026-03-04T05\.06\.07-[0-9a-f-]{36}$/,
    );
    expect(s3RecordKey("g", Date.parse("2026-12-31T23:59:58.001Z"), "u")).toBe(
      "aws/lambda/async/g/2026/12/31/2026-12-31T23.59.58-u",
    );
  });

  it("invokes the destination function asynchronously with the record", async () => {
    const f = fakes();
    await f.delivery.deliver(
      { arn: "arn:aws:lambda:us-east-1:000000000000:function:next", kind: "lambda" },
      record,
      "f",
    );
    expect(f.invoked).toEqual([["next", JSON.stringify(record)]]);
  });

  it("puts an EventBridge event with source lambda and the Failure detail-type", async () => {
    const f = fakes();
    const bus = "arn:aws:events:us-east-1:000000000000:event-bus/default";
    await f.delivery.deliver({ arn: bus, kind: "events" }, record, "f");
    expect(f.events).toEqual([
      {
        Entries: [
          {
            EventBusName: bus,
            Source: "lambda",
            DetailType: "Lambda Function Invocation Result - Failure",
            Detail: JSON.stringify(record),
            Resources: ["arn:aws:lambda:us-east-1:000000000000:function:f:$LATEST", bus],
          },
        ],
      },
    ]);
    const success = { ...record, requestContext: { ...record.requestContext, condition: "Success" as const } };
    expect(putEventsBody(bus, success).Entries[0]?.DetailType).toBe("Lambda Function Invocation Result - Success");
  });

  it("sends a dead letter with its attributes, and names a target that is neither SQS nor SNS", async () => {
    const f = fakes();
    const attributes = deadLetterAttributes("r-1", 200, "boom");
    await f.delivery.deadLetter("arn:aws:sns:us-east-1:000000000000:dlq", '{"a":1}', attributes);
    expect(f.sent[0]?.input).toEqual({
      TopicArn: "arn:aws:sns:us-east-1:000000000000:dlq",
      Message: '{"a":1}',
      MessageAttributes: attributes,
    });
    await expect(f.delivery.deadLetter("arn:aws:s3:::b", "{}", attributes)).rejects.toThrow(
      /cannot send the discarded event to the dead-letter target arn:aws:s3:::b/,
    );
  });
});
