/**
 * Reading a request body up to a limit, for every HTTP surface of the service (the Lambda API and the
 * function URLs): past the limit the rest is drained but not kept, and the caller answers in its own shape.
 */
import type { IncomingMessage } from "node:http";

/** The body, or undefined when it was longer than `limit` bytes. */
export function readBodyWithin(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size <= limit) chunks.push(c);
    });
    req.on("end", () => resolve(size > limit ? undefined : Buffer.concat(chunks)));
    req.on("error", reject);
  });
}
