/** The HTTP plumbing of the sample web: a reply (status, content type, body) written in one go, and a small form read. */
import type { IncomingMessage, ServerResponse } from "node:http";

export interface Reply {
  status: number;
  type: string;
  body: string | Buffer;
  headers?: Record<string, string | number>;
}

export const plain = (status: number, body: string): Reply => ({ status, type: "text/plain; charset=utf-8", body });
export const html = (status: number, body: string): Reply => ({ status, type: "text/html; charset=utf-8", body });
export const json = (status: number, body: unknown, type = "application/json; charset=utf-8"): Reply => ({
  status,
  type,
  body: JSON.stringify(body),
});

export function write(res: ServerResponse, reply: Reply, head: boolean): void {
  const bytes = typeof reply.body === "string" ? Buffer.from(reply.body) : reply.body;
  res.writeHead(reply.status, { "Content-Type": reply.type, "Content-Length": bytes.length, ...reply.headers });
  res.end(head ? undefined : bytes);
}

export function readForm(req: IncomingMessage, then: (form: URLSearchParams) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  req.on("data", (chunk: Buffer) => {
    size += chunk.length;
    if (size <= 1024 * 1024) chunks.push(chunk);
  });
  req.on("end", () => then(new URLSearchParams(Buffer.concat(chunks).toString("utf8"))));
}
