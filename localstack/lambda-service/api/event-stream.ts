/**
 * AWS's event stream encoding (`application/vnd.amazon.eventstream`), the framing InvokeWithResponseStream answers
 * in: each message is its total and headers lengths, a CRC32 of those, string headers, the payload and a CRC32 of
 * the whole. Only what the Lambda API sends is encoded: string headers, `event` messages.
 */
import { crc32 } from "node:zlib";

/** The header value type of a UTF-8 string. */
const STRING_TYPE = 7;
/** Total length, headers length and their CRC. */
const PRELUDE_BYTES = 12;
const CRC_BYTES = 4;

function encodeHeaders(headers: Readonly<Record<string, string>>): Buffer {
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(headers)) {
    const nameBytes = Buffer.from(name, "utf8");
    const valueBytes = Buffer.from(value, "utf8");
    const head = Buffer.alloc(1 + nameBytes.length + 1 + 2);
    head.writeUInt8(nameBytes.length, 0);
    nameBytes.copy(head, 1);
    head.writeUInt8(STRING_TYPE, 1 + nameBytes.length);
    head.writeUInt16BE(valueBytes.length, 2 + nameBytes.length);
    parts.push(head, valueBytes);
  }
  return Buffer.concat(parts);
}

/** One message: its headers (all strings) and payload, framed and checksummed. */
export function encodeMessage(headers: Readonly<Record<string, string>>, payload: Buffer): Buffer {
  const headerBytes = encodeHeaders(headers);
  const total = PRELUDE_BYTES + headerBytes.length + payload.length + CRC_BYTES;
  const message = Buffer.alloc(total);
  message.writeUInt32BE(total, 0);
  message.writeUInt32BE(headerBytes.length, 4);
  message.writeUInt32BE(crc32(message.subarray(0, 8)), 8);
  headerBytes.copy(message, PRELUDE_BYTES);
  payload.copy(message, PRELUDE_BYTES + headerBytes.length);
  message.writeUInt32BE(crc32(message.subarray(0, total - CRC_BYTES)), total - CRC_BYTES);
  return message;
}

/** An `event` message of the given type. */
export function encodeEvent(eventType: string, contentType: string, payload: Buffer): Buffer {
  return encodeMessage({ ":event-type": eventType, ":content-type": contentType, ":message-type": "event" }, payload);
}
