/** Lambda's platform lines, pinned to the exact text AWS writes (log tooling parses it). */
import {
  billedDurationMs,
  endLine,
  errorStatus,
  initReportLine,
  LOG_TAIL_BYTES,
  lastBytes,
  logTail,
  maxMemoryUsedMb,
  reportLine,
  startLine,
  TIMEOUT_STATUS,
  timedOutLine,
  timedOutMessage,
} from "#local/lambda-service/runtime/report";

const ID = "8f5b3c1e-0000-4000-8000-000000000001";

describe("report lines", () => {
  it("words START and END as Lambda does", () => {
    expect(startLine(ID)).toBe(`START RequestId: ${ID} Version: $LATEST`);
    expect(endLine(ID)).toBe(`END RequestId: ${ID}`);
  });

  it("ends a clean REPORT with a tab, and adds Init Duration on a cold start", () => {
    const figures = { requestId: ID, durationMs: 12.345, billedDurationMs: 13, memoryMb: 128, maxMemoryUsedMb: 64 };
    expect(reportLine(figures)).toBe(
      `REPORT RequestId: ${ID}\tDuration: 12.35 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB\tMax Memory Used: 64 MB\t`,
    );
    expect(reportLine({ ...figures, initDurationMs: 150.5 })).toBe(
      `REPORT RequestId: ${ID}\tDuration: 12.35 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB\tMax Memory Used: 64 MB` +
        "\tInit Duration: 150.50 ms\t",
    );
  });

  it("appends the status of a timeout or an error instead of the final tab", () => {
    const figures = { requestId: ID, durationMs: 1000, billedDurationMs: 1000, memoryMb: 256, maxMemoryUsedMb: 80 };
    expect(reportLine({ ...figures, statusText: TIMEOUT_STATUS })).toBe(
      `REPORT RequestId: ${ID}\tDuration: 1000.00 ms\tBilled Duration: 1000 ms\tMemory Size: 256 MB\tMax Memory Used: 80 MB` +
        "\tStatus: timeout",
    );
    expect(errorStatus("Runtime.ExitError")).toBe("\tStatus: error\tError Type: Runtime.ExitError");
  });

  it("words INIT_REPORT and the timeout notice", () => {
    expect(initReportLine(42.1, errorStatus("Runtime.HandlerNotFound"))).toBe(
      "INIT_REPORT Init Duration: 42.10 ms\tPhase: init\tStatus: error\tError Type: Runtime.HandlerNotFound",
    );
    expect(timedOutMessage(3)).toBe("Task timed out after 3.00 seconds");
    expect(timedOutLine(ID, 1, new Date("2026-01-02T03:04:05.678Z"))).toBe(
      `2026-01-02T03:04:05.678Z ${ID} Task timed out after 1.00 seconds`,
    );
  });
});

describe("report figures", () => {
  it("bills the duration and the init duration, rounded up to the millisecond", () => {
    expect(billedDurationMs(12.01)).toBe(13);
    expect(billedDurationMs(12.01, 100.5)).toBe(113);
    expect(billedDurationMs(5)).toBe(5);
  });

  it("reports the peak memory in whole MB, between 1 and the memory size", () => {
    expect(maxMemoryUsedMb(128, 65 * 1024 + 1)).toBe(66);
    expect(maxMemoryUsedMb(128, 0)).toBe(1);
    expect(maxMemoryUsedMb(128, 500 * 1024)).toBe(128);
  });
});

describe("log tail", () => {
  it("joins the lines with a final newline", () => {
    expect(logTail(["a", "b"])).toBe("a\nb\n");
  });

  it("keeps the last 4 KB, never starting inside a character", () => {
    const long = "x".repeat(LOG_TAIL_BYTES + 10);
    expect(logTail([long])).toBe(`${"x".repeat(LOG_TAIL_BYTES - 1)}\n`);
    // "é" is two bytes: a 3-byte tail would start in the middle of the first one.
    expect(lastBytes("éé", 3)).toBe("é");
    expect(lastBytes("abc", 3)).toBe("abc");
  });
});
