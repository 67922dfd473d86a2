/**
 * PutMetricData requests within CloudWatch's limits: one namespace per request, at most 1,000 datums, at most
 * 1 MB as the query protocol encodes it. The sizes below are counted by hand from the encoded form.
 */
import type { AggregatedDatum } from "#local/lambda-service/metrics/aggregator";
import { encodedSize, putMetricDataRequests } from "#local/lambda-service/metrics/requests";

const MINUTE = Date.parse("2026-11-29T16:03:00.000Z");
const datum = (name: string, namespace = "AWS/Lambda", fnName = "f"): AggregatedDatum => ({
  namespace,
  name,
  unit: "Count",
  dimensions: [{ Name: "FunctionName", Value: fnName }],
  minuteMs: MINUTE,
  statistics: { sampleCount: 2, sum: 1, minimum: 0, maximum: 1 },
});

test("a datum becomes PutMetricData's MetricDatum: a statistic set stamped at its minute", () => {
  expect(putMetricDataRequests([datum("Errors")])).toEqual([
    {
      Namespace: "AWS/Lambda",
      MetricData: [
        {
          MetricName: "Errors",
          Dimensions: [{ Name: "FunctionName", Value: "f" }],
          Timestamp: new Date("2026-11-29T16:03:00.000Z"),
          Unit: "Count",
          StatisticValues: { SampleCount: 2, Sum: 1, Minimum: 0, Maximum: 1 },
        },
      ],
    },
  ]);
});

test("the encoded size counts every key=value& of the member", () => {
  const [request] = putMetricDataRequests([datum("Errors")]);
  const input = request?.MetricData[0];
  if (!input) throw new Error("no datum");
  // MetricData.member.1.MetricName=Errors&                                   38
  // MetricData.member.1.Timestamp=2026-11-29T16%3A03%3A00.000Z&               59
  // MetricData.member.1.Unit=Count&                                           31
  // MetricData.member.1.StatisticValues.SampleCount=2&                        50
  // MetricData.member.1.StatisticValues.Sum=1&                                42
  // MetricData.member.1.StatisticValues.Minimum=0&                            46
  // MetricData.member.1.StatisticValues.Maximum=1&                            46
  // MetricData.member.1.Dimensions.member.1.Name=FunctionName&                58
  // MetricData.member.1.Dimensions.member.1.Value=f&                          48
  expect(encodedSize(input, 1)).toBe(38 + 59 + 31 + 50 + 42 + 46 + 46 + 58 + 48);
});

test("2,500 datums of one namespace go in requests of 1,000, 1,000 and 500, in order", () => {
  const datums = Array.from({ length: 2500 }, (_, i) => datum("Invocations", "AWS/Lambda", `f${i}`));
  const requests = putMetricDataRequests(datums);
  expect(requests.map((r) => r.MetricData.length)).toEqual([1000, 1000, 500]);
  expect(requests[1]?.MetricData[0]?.Dimensions[0]?.Value).toBe("f1000");
  expect(requests[2]?.MetricData[499]?.Dimensions[0]?.Value).toBe("f2499");
});

test("each namespace gets its own requests", () => {
  const requests = putMetricDataRequests([datum("A", "AWS/Lambda"), datum("B", "Custom"), datum("C", "AWS/Lambda")]);
  expect(requests.map((r) => [r.Namespace, r.MetricData.map((d) => d.MetricName)])).toEqual([
    ["AWS/Lambda", ["A", "C"]],
    ["Custom", ["B"]],
  ]);
});

test("a byte limit splits before a request would outgrow it", () => {
  // Envelope: Action=PutMetricData& (21) Version=2010-08-01& (19) Namespace=AWS%2FLambda& (23) = 63 bytes;
  // a datum named with one letter is 413 bytes as member 1..9: two fit in 63 + 2 × 413 = 889, a third would not.
  const requests = putMetricDataRequests([datum("A"), datum("B"), datum("C"), datum("D"), datum("E")], {
    maxDatums: 1000,
    maxBytes: 889,
  });
  expect(requests.map((r) => r.MetricData.map((d) => d.MetricName))).toEqual([["A", "B"], ["C", "D"], ["E"]]);
});

test("a datum larger than the limit on its own still goes, alone", () => {
  expect(putMetricDataRequests([datum("A"), datum("B")], { maxDatums: 1000, maxBytes: 10 })).toHaveLength(2);
});
