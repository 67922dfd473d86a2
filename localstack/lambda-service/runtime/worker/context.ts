/**
 * What a handler is given: the Lambda context object of AWS's Node.js runtime (names, memory, log stream, request
 * id, remaining time, the legacy succeed/fail/done) and the handler's signature. Bundled into the worker: no imports.
 */
import type { InvokeMessage } from "../protocol";

export type Callback = (error?: unknown, result?: unknown) => void;

export interface LambdaContext {
  callbackWaitsForEmptyEventLoop: boolean;
  readonly succeed: (result?: unknown) => void;
  readonly fail: (error?: unknown) => void;
  readonly done: (error?: unknown, result?: unknown) => void;
  readonly functionVersion: string | undefined;
  readonly functionName: string | undefined;
  readonly memoryLimitInMB: string | undefined;
  readonly logGroupName: string | undefined;
  readonly logStreamName: string | undefined;
  readonly clientContext: undefined;
  readonly identity: undefined;
  readonly invokedFunctionArn: string;
  readonly awsRequestId: string;
  readonly getRemainingTimeInMillis: () => number;
}

export type Handler = (event: unknown, context: LambdaContext, callback: Callback) => unknown;

/** The invocation's side of the context: its legacy callbacks and its callbackWaitsForEmptyEventLoop setting. */
export interface ContextBindings {
  readonly succeed: (result?: unknown) => void;
  readonly fail: (error?: unknown) => void;
  readonly done: (error?: unknown, result?: unknown) => void;
  readonly getWaitsForEmptyEventLoop: () => boolean;
  readonly setWaitsForEmptyEventLoop: (value: boolean) => void;
}

export function createContext(
  message: InvokeMessage,
  env: NodeJS.ProcessEnv,
  bindings: ContextBindings,
  now: () => number = Date.now,
): LambdaContext {
  return {
    get callbackWaitsForEmptyEventLoop() {
      return bindings.getWaitsForEmptyEventLoop();
    },
    set callbackWaitsForEmptyEventLoop(value: boolean) {
      bindings.setWaitsForEmptyEventLoop(value);
    },
    succeed: bindings.succeed,
    fail: bindings.fail,
    done: bindings.done,
    functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION,
    functionName: env.AWS_LAMBDA_FUNCTION_NAME,
    memoryLimitInMB: env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME,
    clientContext: undefined,
    identity: undefined,
    invokedFunctionArn: message.invokedFunctionArn,
    awsRequestId: message.id,
    getRemainingTimeInMillis: () => message.deadlineMs - now(),
  };
}
