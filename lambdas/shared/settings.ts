/**
 * A stage's settings come from its environment, set by the CDK stack. Each stage declares them once
 * (names, a zod schema, defaults) and parses them once at init with `parseSettings`, so a missing or
 * malformed variable stops the sandbox with a message that names it, instead of failing records later.
 * The stack builds the same variables with the stage's typed constructor, so both sides share one spelling.
 */
import { z } from "zod";

/** Values for the environment variables a settings shape declares (and no others). */
export type EnvironmentOf<Shape> = { [K in keyof Shape & string]?: string };

export class SettingsError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "SettingsError";
  }
}

/** Parses `env` with the stage's schema; throws a SettingsError naming each wrong variable and what is wrong. */
export function parseSettings<S extends z.ZodObject>(
  schema: S,
  env: Readonly<Record<string, string | undefined>>,
): z.infer<S> {
  const declared = Object.fromEntries(Object.keys(schema.shape).map((name) => [name, blankToUndefined(env[name])]));
  const parsed = schema.safeParse(declared);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const name = String(issue.path[0] ?? "(environment)");
    const value = declared[name];
    return `${name}${value === undefined ? " (not set)" : `=${JSON.stringify(value)}`}: ${issue.message}`;
  });
  throw new SettingsError(`invalid environment: ${problems.join("; ")}`, { cause: parsed.error });
}

function blankToUndefined(value: string | undefined): string | undefined {
  return value === undefined || value === "" ? undefined : value;
}

/** Reusable variable types. */
export const envString = z.string({ error: "required" }).min(1);
export const envFlag = z
  .enum(["true", "false"], { error: "expected true or false" })
  .default("false")
  .transform((v) => v === "true");
/** A comma-separated list; blank entries are dropped. */
export const envList = z
  .string()
  .default("")
  .transform((v) =>
    v
      .split(",")
      .map((s) => s.trim())
      .filter((s) => s !== ""),
  );
export const envPositiveInt = z.coerce
  .number({ error: "expected a number" })
  .int("expected a whole number")
  .positive("expected a positive number");
export const envPositiveNumber = z.coerce
  .number({ error: "expected a number" })
  .refine(Number.isFinite, "expected a number")
  .positive("expected a positive number");
