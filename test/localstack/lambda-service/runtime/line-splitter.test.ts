/** Cutting streams into lines, as both sides of a sandbox read them. */
import { PassThrough } from "node:stream";
import { LineSplitter, logText, readLines } from "#local/lambda-service/runtime/line-splitter";

describe("LineSplitter", () => {
  it("holds a partial line and a split character until they complete", () => {
    const lines: string[] = [];
    const splitter = new LineSplitter((line) => lines.push(line));
    const euro = Buffer.from("€", "utf8");
    splitter.writeBytes(Buffer.concat([Buffer.from("one\ntw"), euro.subarray(0, 1)]));
    expect(lines).toEqual(["one"]);
    splitter.writeBytes(Buffer.concat([euro.subarray(1), Buffer.from("o\nthr")]));
    splitter.writeText("ee\n\nfour");
    expect(lines).toEqual(["one", "tw€o", "three", ""]);
    splitter.end();
    expect(lines).toEqual(["one", "tw€o", "three", "", "four"]);
  });

  it("has nothing to add at the end after a final newline", () => {
    const lines: string[] = [];
    const splitter = new LineSplitter((line) => lines.push(line));
    splitter.writeText("done\n");
    splitter.end();
    expect(lines).toEqual(["done"]);
  });
});

describe("logText", () => {
  it("drops a CRLF's carriage return, and empty lines", () => {
    expect(logText("dos line\r")).toBe("dos line");
    expect(logText("")).toBeUndefined();
    expect(logText("\r")).toBeUndefined();
  });
});

describe("readLines", () => {
  it("reports a stream's lines, the unterminated last one at its end", async () => {
    const stream = new PassThrough();
    const lines: string[] = [];
    readLines(stream, (line) => lines.push(line));
    const ended = new Promise((resolve) => stream.on("end", resolve));
    stream.write("a\nb");
    stream.end("c");
    await ended;
    expect(lines).toEqual(["a", "bc"]);
  });
});
