/**
 * Everything the service does not answer goes to LocalStack untouched, streamed both ways; an
 * unreachable LocalStack is a 502 in the Lambda API's error shape, and is told to `onUnreachable`.
 */
import { type IncomingMessage, request, type ServerResponse } from "node:http";
import { ApiError, sendError } from "./http";

export function proxy(
  upstream: URL,
  req: IncomingMessage,
  res: ServerResponse,
  onUnreachable?: (error: Error) => void,
): void {
  const out = request(
    {
      host: upstream.hostname,
      port: upstream.port,
      method: req.method,
      path: req.url,
      headers: req.headers,
    },
    (upstreamRes) => {
      res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.rawHeaders);
      upstreamRes.pipe(res);
    },
  );
  out.on("error", (error) => {
    onUnreachable?.(error);
    if (!res.headersSent) {
      sendError(
        res,
        new ApiError(
          502,
          "ServiceUnavailableException",
          `LocalStack is not reachable at ${upstream.origin}: ${error.message}`,
          "Service",
        ),
      );
    } else res.destroy(error);
  });
  req.pipe(out);
}
