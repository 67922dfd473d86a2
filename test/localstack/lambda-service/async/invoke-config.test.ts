/**
 * The asynchronous invocation configuration is validated as AWS's CloudFormation reference and Lambda API
 * document it: MaximumRetryAttempts 0-2 (default 2), MaximumEventAgeInSeconds 60-21600 (default 21600),
 * destinations SQS, SNS, Lambda, EventBridge, and S3 on failure only; anything else is named in the error.
 */
import {
  destinationOf,
  eventInvokeConfigResource,
  InvokeConfigError,
  readEventInvokeConfig,
} from "#local/lambda-service/async/invoke-config";

const QUEUE = "arn:aws:sqs:us-east-1:000000000000:records";

describe("readEventInvokeConfig", () => {
  it("defaults to two retries and six hours, without destinations", () => {
    expect(readEventInvokeConfig({})).toEqual({ maximumRetryAttempts: 2, maximumEventAgeSeconds: 21600 });
  });

  it("reads the limits' extremes and both destinations", () => {
    const config = readEventInvokeConfig({
      MaximumRetryAttempts: 0,
      MaximumEventAgeInSeconds: 60,
      DestinationConfig: {
        OnSuccess: { Destination: "arn:aws:lambda:us-east-1:000000000000:function:next" },
        OnFailure: { Destination: "arn:aws:s3:::failures" },
      },
    });
    expect(config).toEqual({
      maximumRetryAttempts: 0,
      maximumEventAgeSeconds: 60,
      onSuccess: { arn: "arn:aws:lambda:us-east-1:000000000000:function:next", kind: "lambda" },
      onFailure: { arn: "arn:aws:s3:::failures", kind: "s3" },
    });
    expect(readEventInvokeConfig({ MaximumRetryAttempts: "2", MaximumEventAgeInSeconds: 21600 })).toEqual({
      maximumRetryAttempts: 2,
      maximumEventAgeSeconds: 21600,
    });
  });

  it.each([
    [{ MaximumRetryAttempts: 3 }, /MaximumRetryAttempts must be an integer from 0 to 2 \(got 3\)/],
    [{ MaximumRetryAttempts: -1 }, /MaximumRetryAttempts/],
    [{ MaximumRetryAttempts: 1.5 }, /MaximumRetryAttempts/],
    [{ MaximumEventAgeInSeconds: 59 }, /MaximumEventAgeInSeconds must be an integer from 60 to 21600 \(got 59\)/],
    [{ MaximumEventAgeInSeconds: 21601 }, /MaximumEventAgeInSeconds/],
    [{ Tags: [] }, /unsupported properties: Tags/],
    [{ DestinationConfig: { OnTimeout: {} } }, /DestinationConfig has unsupported properties: OnTimeout/],
  ])("refuses %j", (props, message) => {
    expect(() => readEventInvokeConfig(props)).toThrow(InvokeConfigError);
    expect(() => readEventInvokeConfig(props)).toThrow(message);
  });
});

describe("destinationOf", () => {
  it.each([
    [QUEUE, "sqs"],
    ["arn:aws:sns:us-east-1:000000000000:topic", "sns"],
    ["arn:aws:lambda:us-east-1:000000000000:function:f", "lambda"],
    ["arn:aws:events:us-east-1:000000000000:event-bus/default", "events"],
  ])("%s is a %s destination", (arn, kind) => {
    expect(destinationOf(arn, "OnSuccess")).toEqual({ arn, kind });
    expect(destinationOf(arn, "OnFailure")).toEqual({ arn, kind });
  });

  it("takes an S3 bucket on failure only", () => {
    expect(destinationOf("arn:aws:s3:::b", "OnFailure")).toEqual({ arn: "arn:aws:s3:::b", kind: "s3" });
    expect(() => destinationOf("arn:aws:s3:::b", "OnSuccess")).toThrow(/only be an OnFailure destination/);
  });

  it("refuses other services and FIFO queues, naming the property", () => {
    expect(() => destinationOf("arn:aws:dynamodb:us-east-1:000000000000:table/t", "OnFailure")).toThrow(
      /DestinationConfig.OnFailure.Destination "arn:aws:dynamodb/,
    );
    expect(() => destinationOf(`${QUEUE}.fifo`, "OnFailure")).toThrow(/FIFO/);
  });
});

describe("eventInvokeConfigResource", () => {
  it("reads the function and its configuration for $LATEST", () => {
    expect(
      eventInvokeConfigResource({
        FunctionName: "f",
        Qualifier: "$LATEST",
        MaximumRetryAttempts: 1,
        DestinationConfig: { OnFailure: { Destination: QUEUE } },
      }),
    ).toEqual({
      functionName: "f",
      config: { maximumRetryAttempts: 1, maximumEventAgeSeconds: 21600, onFailure: { arn: QUEUE, kind: "sqs" } },
    });
  });

  it("names a qualifier it cannot honour", () => {
    expect(() => eventInvokeConfigResource({ FunctionName: "f", Qualifier: "live" })).toThrow(/Qualifier "live"/);
  });
});
