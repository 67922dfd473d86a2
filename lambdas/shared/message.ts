import { createHash } from "node:crypto";
import type { z } from "zod";

/** A record value that is not the stage's input message: it fails the record, with the reason. */
export class InvalidMessageError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "InvalidMessageError";
  }
}

/** Parses a record's JSON value with the stage's input schema; says exactly what is wrong when it is not. */
export function parseMessage<S extends z.ZodType>(schema: S, text: string): z.infer<S> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new InvalidMessageError(`the record value is not JSON: ${text.slice(0, 80)}`, { cause: error });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "(value)"}: ${i.message}`).join("; ");
    throw new InvalidMessageError(`the record value is not a valid message: ${issues}`, { cause: parsed.error });
  }
  return parsed.data;
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}
