import { Template } from "aws-cdk-lib/assertions";
import type { z } from "zod";
import { buildApp } from "#lib/app";
import { CleanSettingsSchema } from "../../lambdas/faces/clean/settings";
import { ScrapeSettingsSchema } from "../../lambdas/faces/scrape/settings";
import { StoreSettingsSchema } from "../../lambdas/faces/store/settings";
import { ValidateSettingsSchema } from "../../lambdas/faces/validate/settings";
import { PRODUCTION_CONTEXT } from "./production-context";

/** Read by Node.js and Powertools, not by the handler's settings: set by SluiceFunction for every function. */
const RUNTIME = ["NODE_OPTIONS", "POWERTOOLS_LOG_LEVEL", "POWERTOOLS_SERVICE_NAME"];

const STAGES: Array<[string, z.ZodObject]> = [
  ["scrape", ScrapeSettingsSchema],
  ["validate", ValidateSettingsSchema],
  ["store", StoreSettingsSchema],
  ["clean", CleanSettingsSchema],
];

/** The variables a schema cannot do without: those whose absence it refuses. */
const required = (schema: z.ZodObject): string[] =>
  Object.entries(schema.shape)
    .filter(([, type]) => !(type as z.ZodType).safeParse(undefined).success)
    .map(([name]) => name);

describe.each(["production", "local"])("%s profile: each stage's environment", (profile) => {
  const { pipeline } = buildApp({ context: { ...PRODUCTION_CONTEXT, "sluice:profile": profile }, nag: false });
  const functions = Object.values(Template.fromStack(pipeline).findResources("AWS::Lambda::Function"));
  const variables = (stage: string): string[] => {
    const fn = functions.find((f) => f.Properties.FunctionName === `sluice-pipeline-${stage}`);
    return Object.keys(fn?.Properties.Environment.Variables ?? {});
  };

  test.each(STAGES)("%s: nothing is set that its settings do not declare", (stage, schema) => {
    const declared = Object.keys(schema.shape);
    expect(variables(stage).filter((name) => !RUNTIME.includes(name) && !declared.includes(name))).toEqual([]);
  });

  test.each(STAGES)("%s: everything its settings require is set", (stage, schema) => {
    expect(required(schema).filter((name) => !variables(stage).includes(name))).toEqual([]);
  });
});

test("the required variables are the ones the stack is meant to provide", () => {
  const kafka = ["KAFKA_BOOTSTRAP_SERVERS", "KAFKA_SECRET_ARN", "INPUT_TOPIC"];
  expect(Object.fromEntries(STAGES.map(([stage, schema]) => [stage, required(schema).sort()]))).toEqual({
    scrape: [...kafka, "METADATA_TABLE"].sort(),
    validate: [...kafka, "METADATA_TABLE"].sort(),
    store: [...kafka, "METADATA_TABLE", "IMAGES_BUCKET"].sort(),
    clean: [...kafka, "METADATA_TABLE", "IMAGES_BUCKET", "LAKE_BUCKET"].sort(),
  });
});
