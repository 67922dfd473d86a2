/**
 * A page cursor: DynamoDB's LastEvaluatedKey as opaque base64url JSON. What comes back is checked against the key
 * the query may start from, so a cursor cannot steer a query elsewhere.
 */
import { HttpError } from "./http";

export type Key = Record<string, string>;

export function encodeCursor(key: Record<string, unknown> | undefined): string | null {
  return key === undefined ? null : Buffer.from(JSON.stringify(key)).toString("base64url");
}

export function decodeCursor(cursor: string | undefined, allowed: (key: Key) => boolean): Key | undefined {
  if (cursor === undefined) return undefined;
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch (error) {
    throw new HttpError(400, "invalid-request", "invalid query: cursor: not a cursor this API gave", undefined, {
      cause: error,
    });
  }
  const ok =
    typeof key === "object" &&
    key !== null &&
    Object.values(key).every((v) => typeof v === "string") &&
    allowed(key as Key);
  if (!ok) throw new HttpError(400, "invalid-request", "invalid query: cursor: not a cursor of this list");
  return key as Key;
}
