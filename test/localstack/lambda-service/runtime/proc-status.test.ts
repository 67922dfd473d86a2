/** Reading a process's memory from /proc/<pid>/status. */
import { parseProcStatus, readProcMemory } from "#local/lambda-service/runtime/proc-status";

describe("parseProcStatus", () => {
  it("reads VmRSS and VmHWM in KiB", () => {
    const status = "Name:\tnode\nVmHWM:\t   51234 kB\nVmRSS:\t   40960 kB\nThreads:\t7\n";
    expect(parseProcStatus(status)).toEqual({ rssKb: 40960, hwmKb: 51234 });
  });

  it("uses VmRSS as the peak without VmHWM, and gives up without VmRSS", () => {
    expect(parseProcStatus("VmRSS:\t100 kB\n")).toEqual({ rssKb: 100, hwmKb: 100 });
    expect(parseProcStatus("Name:\tzombie\n")).toBeUndefined();
  });
});

describe("readProcMemory", () => {
  it("knows nothing of a pid that is not a process", () => {
    expect(readProcMemory(-1)).toBeUndefined();
  });

  it("reads this process's memory on Linux, and nothing elsewhere", () => {
    const memory = readProcMemory(process.pid);
    if (process.platform !== "linux") {
      expect(memory).toBeUndefined();
      return;
    }
    expect(memory?.rssKb).toBeGreaterThan(0);
    expect(memory?.hwmKb).toBeGreaterThanOrEqual(memory?.rssKb ?? Number.POSITIVE_INFINITY);
  });
});
