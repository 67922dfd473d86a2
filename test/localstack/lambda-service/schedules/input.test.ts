/**
 * A rule target's input: the whole event, a constant, an InputPath, or an InputTransformer filled from its
 * InputPathsMap — the template examples are AWS's own (InputTransformer API reference).
 */
import { select, targetPayload, transform, validatePath } from "#local/lambda-service/schedules/input";
import { scheduledEvent } from "#local/lambda-service/schedules/scheduled-event";

const ec2Event = { detail: { instance: "i-0123456789", status: "running", list: [{ a: 1 }] } };
const paths = { instance: "$.detail.instance", status: "$.detail.status" };

describe("InputTransformer", () => {
  it("fills a plain-text template with the values' text", () => {
    expect(transform(ec2Event, paths, "<instance> is in state <status>")).toBe("i-0123456789 is in state running");
    expect(transform(ec2Event, paths, '<instance> is in state "<status>"')).toBe('i-0123456789 is in state "running"');
  });

  it("in a JSON template, quotes a value outside a string and inserts its text inside one", () => {
    expect(
      transform(ec2Event, paths, '{"myInstance": <instance>,"myStatus": "<instance> is in state \\"<status>\\""}'),
    ).toBe('{"myInstance": "i-0123456789","myStatus": "i-0123456789 is in state \\"running\\""}');
    expect(transform(ec2Event, { first: "$.detail.list[0]" }, '{"first": <first>}')).toBe('{"first": {"a":1}}');
  });

  it("makes a missing value null outside a string, and leaves unknown placeholders", () => {
    expect(transform(ec2Event, { gone: "$.detail.nothing" }, '{"x": <gone>, "y": "<other>"}')).toBe(
      '{"x": null, "y": "<other>"}',
    );
  });
});

describe("InputPath and JSON paths", () => {
  it("selects by dot notation and index", () => {
    expect(select(ec2Event, "$")).toBe(ec2Event);
    expect(select(ec2Event, "$.detail.status")).toBe("running");
    expect(select(ec2Event, "$.detail.list[0].a")).toBe(1);
    expect(select(ec2Event, "$.detail.status.deeper")).toBeUndefined();
  });

  it("refuses paths EventBridge does not take", () => {
    expect(() => validatePath("detail.status")).toThrow(/not a JSON path/);
    expect(() => validatePath("$..status")).toThrow(/not a JSON path/);
  });
});

describe("the scheduled event a rule's target receives", () => {
  const ruleArn = "arn:aws:events:us-east-1:000000000000:rule/nightly";
  const event = scheduledEvent(ruleArn, Date.parse("2026-11-29T10:15:00.250Z"), {
    region: "us-east-1",
    accountId: "000000000000",
  });

  it("has AWS's shape: seconds-precision UTC time, the rule in resources, an empty detail", () => {
    expect(event).toEqual({
      version: "0",
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      "detail-type": "Scheduled Event",
      source: "aws.events",
      account: "000000000000",
      time: "2026-11-29T10:15:00Z",
      region: "us-east-1",
      resources: [ruleArn],
      detail: {},
    });
  });

  it("is sent whole, as a constant, by path, or transformed with the predefined rule variables", () => {
    expect(JSON.parse(targetPayload({ kind: "event" }, event, ruleArn))).toEqual(event);
    expect(targetPayload({ kind: "constant", input: '{"job":"nightly"}' }, event, ruleArn)).toBe('{"job":"nightly"}');
    expect(targetPayload({ kind: "path", path: "$.time" }, event, ruleArn)).toBe('"2026-11-29T10:15:00Z"');
    expect(
      targetPayload(
        { kind: "transformer", pathsMap: { t: "$.time" }, template: '{"at": <t>, "rule": "<aws.events.rule-name>"}' },
        event,
        ruleArn,
      ),
    ).toBe('{"at": "2026-11-29T10:15:00Z", "rule": "nightly"}');
  });
});
