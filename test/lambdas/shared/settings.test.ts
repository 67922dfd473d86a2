import { z } from "zod";
import { envFlag, envList, envPositiveInt, envString, parseSettings, SettingsError } from "#shared/settings";

const Schema = z.object({
  TABLE: envString,
  DEBUG: envFlag,
  ALLOW: envList,
  LIMIT: envPositiveInt.default(20),
  TOPIC: envString.optional(),
});

describe("parseSettings", () => {
  test("reads each declared variable and applies the defaults of the unset ones", () => {
    expect(parseSettings(Schema, { TABLE: "metadata", ALLOW: "a:1, b:2,,", LIMIT: "7", OTHER: "ignored" })).toEqual({
      TABLE: "metadata",
      DEBUG: false,
      ALLOW: ["a:1", "b:2"],
      LIMIT: 7,
    });
  });

  test("an empty variable counts as unset", () => {
    expect(parseSettings(Schema, { TABLE: "t", DEBUG: "", ALLOW: "", LIMIT: "", TOPIC: "" })).toEqual({
      TABLE: "t",
      DEBUG: false,
      ALLOW: [],
      LIMIT: 20,
    });
  });

  test("a missing required variable fails with its name", () => {
    expect(() => parseSettings(Schema, {})).toThrow(SettingsError);
    expect(() => parseSettings(Schema, {})).toThrow("TABLE (not set): required");
  });

  test.each([
    ["LIMIT", "0", 'LIMIT="0": expected a positive number'],
    ["LIMIT", "2.5", 'LIMIT="2.5": expected a whole number'],
    ["LIMIT", "many", 'LIMIT="many"'],
    ["DEBUG", "yes", 'DEBUG="yes": expected true or false'],
  ])("%s=%s fails naming the variable, its value and the problem", (name, value, message) => {
    expect(() => parseSettings(Schema, { TABLE: "t", [name]: value })).toThrow(message);
  });

  test("every wrong variable is named at once, and the zod error is kept as the cause", () => {
    let error: unknown;
    try {
      parseSettings(Schema, { LIMIT: "-1" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SettingsError);
    expect((error as Error).message).toMatch(/TABLE \(not set\).*LIMIT="-1"/);
    expect((error as Error).cause).toBeInstanceOf(z.ZodError);
  });
});
