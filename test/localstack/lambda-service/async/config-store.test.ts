/**
 * The event-invoke-config API in AWS's shapes: Put replaces, Update merges, Get/Delete of a function without
 * a configuration answer ResourceNotFoundException, invalid values InvalidParameterValueException, List
 * holds the one $LATEST configuration.
 */
import { answerEventInvokeConfig, EventInvokeConfigStore } from "#local/lambda-service/async/config-store";

const arn = (name: string) => `arn:aws:lambda:us-east-1:000000000000:function:${name}`;
const QUEUE = "arn:aws:sqs:us-east-1:000000000000:q";

function call(
  store: EventInvokeConfigStore,
  method: string,
  path: string,
  body: Record<string, unknown> = {},
  query = "",
) {
  return answerEventInvokeConfig(store, {
    method,
    path,
    query: new URLSearchParams(query),
    functionName: (id) => (id === "f" || id === encodeURIComponent(arn("f")) ? "f" : undefined),
    body: async () => body,
  });
}

describe("event-invoke-config API", () => {
  it("answers Get without a configuration with ResourceNotFoundException", async () => {
    const store = new EventInvokeConfigStore(arn);
    expect(await call(store, "GET", "/2019-09-25/functions/f/event-invoke-config")).toEqual({
      status: 404,
      error: {
        type: "ResourceNotFoundException",
        message:
          "The function arn:aws:lambda:us-east-1:000000000000:function:f has no asynchronous invocation configuration.",
      },
    });
    expect(store.effective("f")).toEqual({ maximumRetryAttempts: 2, maximumEventAgeSeconds: 21600 });
  });

  it("puts, updates, lists and deletes", async () => {
    const store = new EventInvokeConfigStore(arn);
    const put = await call(store, "PUT", "/2019-09-25/functions/f/event-invoke-config", {
      MaximumRetryAttempts: 0,
      DestinationConfig: { OnFailure: { Destination: QUEUE } },
    });
    expect(put).toMatchObject({
      status: 200,
      body: {
        FunctionArn: "arn:aws:lambda:us-east-1:000000000000:function:f:$LATEST",
        MaximumRetryAttempts: 0,
        MaximumEventAgeInSeconds: 21600,
        DestinationConfig: { OnSuccess: {}, OnFailure: { Destination: QUEUE } },
      },
    });
    expect(typeof (put as { body: { LastModified: unknown } }).body.LastModified).toBe("number");
    const updated = await call(store, "POST", "/2019-09-25/functions/f/event-invoke-config", {
      MaximumEventAgeInSeconds: 120,
    });
    expect(updated).toMatchObject({
      status: 200,
      body: {
        MaximumRetryAttempts: 0,
        MaximumEventAgeInSeconds: 120,
        DestinationConfig: { OnFailure: { Destination: QUEUE } },
      },
    });
    expect(store.effective("f")).toEqual({
      maximumRetryAttempts: 0,
      maximumEventAgeSeconds: 120,
      onFailure: { arn: QUEUE, kind: "sqs" },
    });
    const list = await call(store, "GET", "/2019-09-25/functions/f/event-invoke-config/list");
    expect((list as { body: { FunctionEventInvokeConfigs: unknown[] } }).body.FunctionEventInvokeConfigs).toHaveLength(
      1,
    );
    expect(await call(store, "DELETE", "/2019-09-25/functions/f/event-invoke-config")).toEqual({ status: 204 });
    expect(await call(store, "DELETE", "/2019-09-25/functions/f/event-invoke-config")).toMatchObject({ status: 404 });
  });

  it("refuses an out-of-range value with InvalidParameterValueException naming it", async () => {
    const store = new EventInvokeConfigStore(arn);
    expect(
      await call(store, "PUT", "/2019-09-25/functions/f/event-invoke-config", { MaximumRetryAttempts: 5 }),
    ).toEqual({
      status: 400,
      error: {
        type: "InvalidParameterValueException",
        message: "MaximumRetryAttempts must be an integer from 0 to 2 (got 5)",
      },
    });
    expect(await call(store, "POST", "/2019-09-25/functions/f/event-invoke-config", {})).toMatchObject({ status: 404 });
  });

  it("does not find another qualifier than $LATEST, and leaves unknown functions to LocalStack", async () => {
    const store = new EventInvokeConfigStore(arn);
    expect(await call(store, "GET", "/2019-09-25/functions/f/event-invoke-config", {}, "Qualifier=live")).toMatchObject(
      {
        status: 404,
        error: { type: "ResourceNotFoundException" },
      },
    );
    expect(
      await call(store, "GET", "/2019-09-25/functions/f/event-invoke-config", {}, "Qualifier=%24LATEST"),
    ).toMatchObject({
      status: 404,
      error: { message: /has no asynchronous invocation configuration/ },
    });
    expect(await call(store, "GET", "/2019-09-25/functions/other/event-invoke-config")).toBeUndefined();
    expect(await call(store, "GET", "/2019-09-25/functions/f/policy")).toBeUndefined();
  });
});
