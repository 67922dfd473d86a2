/** The Lambda context object a handler is given. */
import { createContext } from "#local/lambda-service/runtime/worker/context";

describe("createContext", () => {
  const message = {
    t: "invoke" as const,
    id: "req-1",
    event: "{}",
    deadlineMs: 10_000,
    invokedFunctionArn: "arn:aws:lambda:eu-west-1:000000000000:function:fn",
  };
  const env = {
    AWS_LAMBDA_FUNCTION_NAME: "fn",
    AWS_LAMBDA_FUNCTION_VERSION: "$LATEST",
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: "128",
    AWS_LAMBDA_LOG_GROUP_NAME: "/aws/lambda/fn",
    AWS_LAMBDA_LOG_STREAM_NAME: "2026/01/01/[$LATEST]abc",
  };

  it("describes the function and the invocation, and counts down to the deadline", () => {
    const bindings = {
      succeed: () => undefined,
      fail: () => undefined,
      done: () => undefined,
      getWaitsForEmptyEventLoop: () => true,
      setWaitsForEmptyEventLoop: () => undefined,
    };
    const context = createContext(message, env, bindings, () => 7_500);
    expect(context).toMatchObject({
      functionName: "fn",
      functionVersion: "$LATEST",
      memoryLimitInMB: "128",
      logGroupName: "/aws/lambda/fn",
      logStreamName: "2026/01/01/[$LATEST]abc",
      invokedFunctionArn: "arn:aws:lambda:eu-west-1:000000000000:function:fn",
      awsRequestId: "req-1",
      clientContext: undefined,
      identity: undefined,
    });
    expect(context.getRemainingTimeInMillis()).toBe(2_500);
    expect(context.succeed).toBe(bindings.succeed);
    expect(context.fail).toBe(bindings.fail);
    expect(context.done).toBe(bindings.done);
  });

  it("reads and writes callbackWaitsForEmptyEventLoop through the invocation", () => {
    let waits = true;
    const context = createContext(message, env, {
      succeed: () => undefined,
      fail: () => undefined,
      done: () => undefined,
      getWaitsForEmptyEventLoop: () => waits,
      setWaitsForEmptyEventLoop: (value) => {
        waits = value;
      },
    });
    expect(context.callbackWaitsForEmptyEventLoop).toBe(true);
    context.callbackWaitsForEmptyEventLoop = false;
    expect(waits).toBe(false);
    expect(context.callbackWaitsForEmptyEventLoop).toBe(false);
  });
});
