/**
 * The identifiers Lambda makes up for an execution environment and an invocation, in AWS's formats, so that log
 * streams and trace headers look like the ones tools expect.
 */
import { randomBytes } from "node:crypto";

/** `YYYY/MM/DD/[$LATEST]<32 hex>`, the stream of one execution environment. */
export function newLogStreamName(now = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  const day = `${now.getUTCFullYear()}/${pad(now.getUTCMonth() + 1)}/${pad(now.getUTCDate())}`;
  return `${day}/[$LATEST]${randomBytes(16).toString("hex")}`;
}

/** The X-Ray header Lambda passes even with tracing off (Sampled=0). */
export function newTraceId(now = Date.now()): string {
  const time = Math.floor(now / 1000).toString(16);
  return `Root=1-${time}-${randomBytes(12).toString("hex")};Parent=${randomBytes(8).toString("hex")};Sampled=0`;
}
