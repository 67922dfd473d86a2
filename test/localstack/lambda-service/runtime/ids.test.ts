/** Log stream names and trace headers in AWS's formats. */
import { newLogStreamName, newTraceId } from "#local/lambda-service/runtime/ids";

describe("ids", () => {
  it("names a log stream by the UTC day and 32 random hex digits", () => {
    const name = newLogStreamName(new Date("2026-02-03T23:59:59Z"));
    expect(name).toMatch(/^2026\/02\/03\/\[\$LATEST\][0-9a-f]{32}$/);
    expect(newLogStreamName()).not.toBe(newLogStreamName());
  });

  it("makes an unsampled X-Ray header whose root starts with the time in hex seconds", () => {
    const now = Date.UTC(2026, 0, 1);
    const seconds = (now / 1000).toString(16);
    expect(newTraceId(now)).toMatch(new RegExp(`^Root=1-${seconds}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0$`));
  });
});
