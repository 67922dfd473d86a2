/**
 * Cuts a byte or text stream into lines, holding a partial line (and a split UTF-8 character) until it completes.
 * Both sides of a sandbox need it: the executor reads the worker's pipes, the worker its patched stdout/stderr.
 * The worker bundles this file, so it imports only Node.js built-ins.
 */
import type { Readable } from "node:stream";
import { StringDecoder } from "node:string_decoder";

export class LineSplitter {
  private readonly decoder = new StringDecoder("utf8");
  private partial = "";

  constructor(private readonly onLine: (line: string) => void) {}

  /** Bytes, decoded as UTF-8 across chunk boundaries. */
  writeBytes(chunk: Uint8Array): void {
    this.writeText(this.decoder.write(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)));
  }

  /** Text already decoded. */
  writeText(text: string): void {
    this.partial += text;
    let newline = this.partial.indexOf("\n");
    while (newline >= 0) {
      const line = this.partial.slice(0, newline);
      this.partial = this.partial.slice(newline + 1);
      this.onLine(line);
      newline = this.partial.indexOf("\n");
    }
  }

  /** The stream ended: whatever is left is the last line. */
  end(): void {
    const rest = this.partial + this.decoder.end();
    this.partial = "";
    if (rest !== "") this.onLine(rest);
  }
}

/** A line as a log event: without the "\r" of a CRLF ending; undefined for an empty line. */
export function logText(line: string): string | undefined {
  const text = line.endsWith("\r") ? line.slice(0, -1) : line;
  return text === "" ? undefined : text;
}

/** Calls `onLine` for every line of a stream as it arrives, and for a last unterminated one at its end. */
export function readLines(stream: Readable, onLine: (line: string) => void): void {
  const splitter = new LineSplitter(onLine);
  stream.on("data", (chunk: Buffer) => splitter.writeBytes(chunk));
  stream.on("end", () => splitter.end());
  stream.on("error", () => {
    /* the process is gone; its exit is handled */
  });
}
