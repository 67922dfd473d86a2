/**
 * What a Lambda API route is given: the service's context and the one request. Its own file so every
 * route module takes the same two arguments and the server can try them in order.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { LambdaBackend } from "./backend";

export interface RouteContext {
  readonly backend: LambdaBackend;
  /** When the service started; reported as LastModified. */
  readonly startedAt: Date;
  /** The port the endpoint is bound to (function URL configurations name it). */
  readonly port: () => number;
  readonly log: (message: string, fields?: Record<string, unknown>) => void;
}

/** One Lambda API request. A route answers it and resolves true, or resolves false to leave it to the next. */
export interface LambdaCall {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly url: URL;
  /** The URL's path without trailing slashes. */
  readonly path: string;
  readonly method: string;
}
