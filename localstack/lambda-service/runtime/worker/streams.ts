/**
 * Raw writes to stdout and stderr inside the worker (Powertools' logger writes JSON lines straight to stdout):
 * each line becomes one log event, as CloudWatch shows it, and a partial line waits for its end or a flush.
 * Bundled into the worker: Node.js built-ins only.
 */
import { LineSplitter, logText } from "../line-splitter";

const splitters: LineSplitter[] = [];

/** Sends what the patched streams still hold (a line without its newline), before a result or an exit. */
export function flushStreams(): void {
  for (const splitter of splitters) splitter.end();
}

/** Replaces the stream's `write`: text is cut into lines, each non-empty one handed to `emit`. */
export function patchStream(stream: NodeJS.WritableStream, emit: (text: string) => void): void {
  const splitter = new LineSplitter((line) => {
    const text = logText(line);
    if (text !== undefined) emit(text);
  });
  const write = (chunk: unknown, encodingOrCallback?: unknown, maybeCallback?: unknown): boolean => {
    const encoding = typeof encodingOrCallback === "string" ? (encodingOrCallback as BufferEncoding) : "utf8";
    const callback = [encodingOrCallback, maybeCallback].find(
      (candidate): candidate is (error?: Error | null) => void => typeof candidate === "function",
    );
    if (typeof chunk === "string") {
      if (encoding === "utf8" || encoding === "utf-8") splitter.writeText(chunk);
      else splitter.writeBytes(Buffer.from(chunk, encoding));
    } else if (chunk instanceof Uint8Array) {
      splitter.writeBytes(chunk);
    } else {
      splitter.writeText(String(chunk));
    }
    if (callback) process.nextTick(callback, null);
    return true;
  };
  stream.write = write as typeof stream.write;
  splitters.push(splitter);
}
