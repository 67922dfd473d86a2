/** Raw stdout/stderr writes inside the worker, one log event per line. */
import { flushStreams, patchStream } from "#local/lambda-service/runtime/worker/streams";

function patched() {
  const events: string[] = [];
  const stream = { write: () => true } as unknown as NodeJS.WritableStream;
  patchStream(stream, (text) => events.push(text));
  return { stream, events };
}

describe("patchStream", () => {
  it("emits each complete line, without CR and without empty lines", () => {
    const { stream, events } = patched();
    stream.write('{"level":"INFO","message":"structured"}\n');
    stream.write("windows line\r\n\nhalf");
    expect(events).toEqual(['{"level":"INFO","message":"structured"}', "windows line"]);
    stream.write(" and the rest\n");
    expect(events).toEqual(['{"level":"INFO","message":"structured"}', "windows line", "half and the rest"]);
  });

  it("decodes bytes and other encodings, split characters included", () => {
    const { stream, events } = patched();
    const bytes = Buffer.from("süß\n", "utf8");
    stream.write(bytes.subarray(0, 2));
    stream.write(bytes.subarray(2));
    stream.write(Buffer.from("hex text\n").toString("hex"), "hex");
    expect(events).toEqual(["süß", "hex text"]);
  });

  it("emits a line without its newline when flushed", () => {
    const { stream, events } = patched();
    stream.write("no newline at the end");
    expect(events).toEqual([]);
    flushStreams();
    expect(events).toEqual(["no newline at the end"]);
  });

  it("calls a write's callback, as a stream would", async () => {
    const { stream } = patched();
    const written = new Promise((resolve) => stream.write("x\n", resolve));
    await expect(written).resolves.toBeNull();
  });
});
