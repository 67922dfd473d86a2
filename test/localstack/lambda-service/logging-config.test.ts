/** LoggingConfig as Lambda reads it: defaults, JSON-only levels, and the variables the runtime gets. */
import { loggingEnvironment, parseLoggingConfig, systemLevelAllows } from "#local/lambda-service/logging-config";

describe("parseLoggingConfig", () => {
  it("defaults to Text and /aws/lambda/<function>", () => {
    expect(parseLoggingConfig(undefined, "fn")).toEqual({ logging: { format: "Text" }, logGroup: "/aws/lambda/fn" });
  });

  it("gives a JSON function INFO for both levels unless they are set", () => {
    expect(parseLoggingConfig({ LogFormat: "JSON", LogGroup: "/custom/group" }, "fn")).toEqual({
      logging: { format: "JSON", applicationLogLevel: "INFO", systemLogLevel: "INFO" },
      logGroup: "/custom/group",
    });
    expect(
      parseLoggingConfig({ LogFormat: "JSON", ApplicationLogLevel: "WARN", SystemLogLevel: "DEBUG" }, "fn").logging,
    ).toEqual({ format: "JSON", applicationLogLevel: "WARN", systemLogLevel: "DEBUG" });
  });

  it.each([
    [{ ApplicationLogLevel: "DEBUG" }, /log levels need LogFormat JSON/],
    [{ LogFormat: "Text", SystemLogLevel: "WARN" }, /log levels need LogFormat JSON/],
    [{ LogFormat: "json" }, /LogFormat "json" is not one of Text, JSON/],
    [{ LogFormat: "JSON", ApplicationLogLevel: "NOTICE" }, /ApplicationLogLevel "NOTICE" is not one of TRACE/],
    [{ LogFormat: "JSON", SystemLogLevel: "ERROR" }, /SystemLogLevel "ERROR" is not one of DEBUG, INFO, WARN/],
    [{ LogGroup: "has spaces" }, /is not a log group name/],
  ])("refuses %j", (config, message) => {
    expect(() => parseLoggingConfig(config, "fn")).toThrow(message);
  });
});

describe("loggingEnvironment", () => {
  it("sets AWS_LAMBDA_LOG_FORMAT always and AWS_LAMBDA_LOG_LEVEL (the application level) with JSON only", () => {
    expect(loggingEnvironment({ format: "Text" })).toEqual({
      AWS_LAMBDA_LOG_FORMAT: "Text",
      AWS_LAMBDA_LOG_LEVEL: undefined,
    });
    expect(loggingEnvironment({ format: "JSON", applicationLogLevel: "WARN", systemLogLevel: "DEBUG" })).toEqual({
      AWS_LAMBDA_LOG_FORMAT: "JSON",
      AWS_LAMBDA_LOG_LEVEL: "WARN",
    });
  });
});

describe("systemLevelAllows", () => {
  it.each([
    ["DEBUG", "DEBUG", true],
    ["INFO", "DEBUG", false],
    ["INFO", "INFO", true],
    ["INFO", "WARN", true],
    ["WARN", "INFO", false],
    ["WARN", "WARN", true],
  ] as const)("at %s, a %s record is written: %s", (setting, record, written) => {
    expect(systemLevelAllows(setting, record)).toBe(written);
  });
});
