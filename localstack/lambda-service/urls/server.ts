/**
 * Serves function URLs on the service's one endpoint: picks the URL from the host
 * (`<url-id>.lambda-url.<region>.localhost`) or from a `/lambda-url/<url-id>/` path prefix (for clients that
 * cannot resolve wildcard hosts), then does what AWS's URL front end does — CORS preflight, AWS_IAM
 * signature check, the 6 MB limit, the 2.0 event, the invocation and the mapping of its result, or, for a
 * RESPONSE_STREAM URL, the function's stream written as it comes (./stream-response.ts).
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { readBodyWithin } from "../request-body";
import { LambdaServiceError } from "../runtime/errors";
import { MAX_REQUEST_BYTES } from "../runtime/request";
import type { InvokeOptions, InvokeResult } from "../types";
import { isPreflight, preflightHeaders, withCorsHeaders } from "./cors";
import { type IamCaller, urlEvent } from "./event";
import { badGateway, type UrlResponse, urlResponse } from "./response";
import { type LocalCredentials, verifySigV4 } from "./sigv4";
import { UrlStreamWriter } from "./stream-response";
import type { FunctionUrlSpec } from "./url-spec";

export interface UrlBackend {
  readonly region: string;
  readonly accountId: string;
  functionUrls(): readonly FunctionUrlSpec[];
  /** `options.stream` is given for RESPONSE_STREAM URLs. */
  invoke(name: string, payload: Buffer, options?: InvokeOptions): Promise<InvokeResult>;
}

export interface UrlRouterOptions {
  readonly backend: UrlBackend;
  readonly credentials: LocalCredentials;
}

/** Which URL a request is for, and the path the function sees. */
export interface UrlMatch {
  readonly urlId: string;
  readonly rawPath: string;
  readonly rawQueryString: string;
}

const HOST_FORM = /^([a-z0-9]{32})\.lambda-url\.[a-z0-9-]+\.[^:]+(?::\d+)?$/i;
const PATH_FORM = /^\/lambda-url\/([a-z0-9]{32})(\/.*)?$/;

/** The local URL of a function URL, in AWS's host form: `http://<url-id>.lambda-url.<region>.localhost:<port>/`. */
export function localFunctionUrl(urlId: string, region: string, port: number): string {
  return `http://${urlId}.lambda-url.${region}.localhost:${port}/`;
}

/** The same URL in the path form: `http://127.0.0.1:<port>/lambda-url/<url-id>/`. */
export function localFunctionUrlPathForm(urlId: string, port: number): string {
  return `http://127.0.0.1:${port}/lambda-url/${urlId}/`;
}

function json(message: string): Buffer {
  return Buffer.from(JSON.stringify({ Message: message }));
}

/** Marks an answer whose body follows as a stream (chunked transfer): only its head is sent. */
const STREAMED = Buffer.alloc(0);

/** The executor's refusals a URL passes on (413, 429); anything else is AWS's 502. */
function invokeFailure(error: unknown): UrlResponse {
  if (error instanceof LambdaServiceError && (error.statusCode === 413 || error.statusCode === 429)) {
    const message = error.statusCode === 429 ? "Rate Exceeded." : error.message;
    return {
      statusCode: error.statusCode,
      headers: { "content-type": "application/json" },
      cookies: [],
      body: json(message),
    };
  }
  return badGateway();
}

export class FunctionUrlRouter {
  constructor(private readonly options: UrlRouterOptions) {}

  /** The URL a request is for, or undefined when it is not a function URL request. */
  match(req: IncomingMessage): UrlMatch | undefined {
    const target = req.url ?? "/";
    const q = target.indexOf("?");
    const path = q < 0 ? target : target.slice(0, q);
    const rawQueryString = q < 0 ? "" : target.slice(q + 1);
    const host = HOST_FORM.exec(req.headers.host ?? "");
    if (host?.[1]) return { urlId: host[1].toLowerCase(), rawPath: path, rawQueryString };
    const prefixed = PATH_FORM.exec(path);
    if (prefixed?.[1]) return { urlId: prefixed[1], rawPath: prefixed[2] ?? "/", rawQueryString };
    return undefined;
  }

  async serve(req: IncomingMessage, res: ServerResponse, match: UrlMatch): Promise<void> {
    const requestId = randomUUID();
    const reply = (response: UrlResponse) => this.write(res, response, requestId);
    const spec = this.options.backend.functionUrls().find((u) => u.urlId === match.urlId);
    if (!spec) {
      reply({ statusCode: 404, headers: { "content-type": "application/json" }, cookies: [], body: json("Not Found") });
      return;
    }
    const body = await readBodyWithin(req, MAX_REQUEST_BYTES);
    if (body === undefined) {
      reply({
        statusCode: 413,
        headers: { "content-type": "application/json" },
        cookies: [],
        body: json(`Request must be smaller than ${MAX_REQUEST_BYTES} bytes for the InvokeFunction operation`),
      });
      return;
    }
    const method = req.method ?? "GET";
    const headers = req.headersDistinct;
    if (spec.cors && isPreflight(method, headers)) {
      reply({ statusCode: 200, headers: preflightHeaders(spec.cors, headers), cookies: [], body: Buffer.alloc(0) });
      return;
    }
    const now = new Date();
    let iam: IamCaller | undefined;
    if (spec.authType === "AWS_IAM") {
      const request = { method, rawPath: req.url?.split("?")[0] ?? "/", rawQueryString: match.rawQueryString };
      const caller = await verifySigV4({ ...request, headers, body }, this.options.credentials, this.region, now);
      if (!caller) {
        reply({
          statusCode: 403,
          headers: { "content-type": "application/json" },
          cookies: [],
          body: json("Forbidden"),
        });
        return;
      }
      const { accountId } = this.options.backend;
      iam = {
        accessKey: caller.accessKey,
        accountId,
        callerId: caller.accessKey,
        userArn: `arn:aws:iam::${accountId}:root`,
        userId: accountId,
      };
    }
    const hostName = (req.headers.host ?? "").split(":")[0] ?? "";
    const sourceIp = (req.socket.remoteAddress ?? "127.0.0.1").replace(/^::ffff:/, "");
    // The front end's own headers, as AWS's adds them (over plain HTTP here).
    const forwarded = {
      "x-forwarded-for": [sourceIp],
      "x-forwarded-proto": ["http"],
      "x-forwarded-port": [String(req.socket.localPort ?? "")],
    };
    const event = urlEvent(
      {
        method,
        rawPath: match.rawPath,
        rawQueryString: match.rawQueryString,
        headers: { ...headers, ...forwarded },
        body,
        sourceIp,
        protocol: `HTTP/${req.httpVersion}`,
      },
      {
        urlId: spec.urlId,
        region: this.region,
        accountId: this.options.backend.accountId,
        requestId,
        now,
        domainName: HOST_FORM.test(req.headers.host ?? "")
          ? hostName
          : `${spec.urlId}.lambda-url.${this.region}.localhost`,
        ...(iam ? { iam } : {}),
      },
    );
    const payload = Buffer.from(JSON.stringify(event));
    const { cors } = spec;
    const withCors = (response: UrlResponse): UrlResponse =>
      cors ? { ...response, headers: withCorsHeaders(cors, headers, response.headers) } : response;
    if (spec.invokeMode === "RESPONSE_STREAM") {
      await this.stream(res, spec.functionName, payload, (response) => reply(withCors(response)));
      return;
    }
    reply(withCors(await this.invoke(spec, payload)));
  }

  private get region(): string {
    return this.options.backend.region;
  }

  private async invoke(spec: FunctionUrlSpec, payload: Buffer): Promise<UrlResponse> {
    try {
      const result = await this.options.backend.invoke(spec.functionName, payload);
      return urlResponse(result.payload, result.functionError);
    } catch (error) {
      return invokeFailure(error);
    }
  }

  /**
   * RESPONSE_STREAM: the answer is written as the function streams it. `reply` sends a whole answer (with CORS and
   * the request id): AWS's 502 or refusal when nothing was streamed yet, the buffered mapping when the handler is
   * not streamified. A failure after the head went out cuts the chunked body short.
   */
  private async stream(
    res: ServerResponse,
    functionName: string,
    payload: Buffer,
    reply: (response: UrlResponse) => void,
  ): Promise<void> {
    const writer = new UrlStreamWriter(
      {
        writeHead: (head) => reply({ ...head, body: STREAMED }),
        write: (data) => res.write(data),
        answer: reply,
        end: () => res.end(),
        abort: () => res.destroy(),
      },
      badGateway,
    );
    let result: InvokeResult;
    try {
      result = await this.options.backend.invoke(functionName, payload, { stream: writer });
    } catch (error) {
      if (writer.started) writer.close(true);
      else reply(invokeFailure(error));
      return;
    }
    if (!writer.finish(result)) reply(urlResponse(result.payload, result.functionError));
  }

  /** Sends an answer; the {@link STREAMED} body only sends the head, for the chunks to follow. */
  private write(res: ServerResponse, response: UrlResponse, requestId: string): void {
    const streamed = response.body === STREAMED;
    res.writeHead(response.statusCode, {
      ...response.headers,
      ...(response.cookies.length > 0 ? { "set-cookie": [...response.cookies] } : {}),
      ...(streamed ? {} : { "content-length": String(response.body.length) }),
      "x-amzn-requestid": requestId,
    });
    if (!streamed) res.end(response.body);
  }
}
