/** A worker's death in Go's words, and what counts as running out of memory. */
import { describeExit, isHeapExhaustion } from "#local/lambda-service/runtime/exit";

describe("describeExit", () => {
  it("words an exit code as Go does", () => {
    expect(describeExit(1, null)).toBe("exit status 1");
    expect(describeExit(129, null)).toBe("exit status 129");
    expect(describeExit(null, null)).toBe("exit status unknown");
  });

  it("names the signals Go names, and lowercases the others", () => {
    expect(describeExit(null, "SIGKILL")).toBe("signal: killed");
    expect(describeExit(null, "SIGABRT")).toBe("signal: aborted");
    expect(describeExit(null, "SIGSEGV")).toBe("signal: segmentation fault");
    expect(describeExit(null, "SIGUSR1")).toBe("signal: sigusr1");
  });
});

describe("isHeapExhaustion", () => {
  it("recognises V8's fatal heap messages", () => {
    expect(isHeapExhaustion("FATAL ERROR: Reached heap limit Allocation failed")).toBe(true);
    expect(isHeapExhaustion("FATAL ERROR: JavaScript heap out of memory")).toBe(true);
    expect(isHeapExhaustion("Error: something else")).toBe(false);
  });
});
