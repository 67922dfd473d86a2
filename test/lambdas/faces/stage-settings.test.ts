import { parseSettings } from "#shared/settings";
import { CleanSettingsSchema } from "../../../lambdas/faces/clean/settings";
import { ScrapeSettingsSchema } from "../../../lambdas/faces/scrape/settings";
import { StoreSettingsSchema } from "../../../lambdas/faces/store/settings";
import { ValidateSettingsSchema } from "../../../lambdas/faces/validate/settings";

/** What every stage gets from its KafkaStage construct. */
const KAFKA = {
  KAFKA_BOOTSTRAP_SERVERS: "b1:9092,b2:9092",
  KAFKA_SECRET_ARN: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:kafka-AbCdEf",
  INPUT_TOPIC: "in",
  OUTPUT_TOPIC: "out",
};

describe("the stages' settings", () => {
  test("store: the table, bucket and allow list as set, the limits at their defaults unless overridden", () => {
    const settings = parseSettings(StoreSettingsSchema, {
      ...KAFKA,
      METADATA_TABLE: "metadata",
      IMAGES_BUCKET: "images",
      URL_ALLOW_LIST: "127.0.0.1:4580",
      DOWNLOAD_TIMEOUT_MS: "2000",
    });
    expect(settings).toMatchObject({
      KAFKA_BOOTSTRAP_SERVERS: ["b1:9092", "b2:9092"],
      KAFKA_SSL: false,
      AWS_S3_FORCE_PATH_STYLE: false,
      AWS_LAMBDA_FUNCTION_NAME: "sluice-stage",
      METADATA_TABLE: "metadata",
      IMAGES_BUCKET: "images",
      URL_ALLOW_LIST: ["127.0.0.1:4580"],
      DOWNLOAD_TIMEOUT_MS: 2000,
      MAX_IMAGE_BYTES: 10 * 1024 * 1024,
      MAX_REDIRECTS: 5,
    });
  });

  test("scrape: the real services unless the environment points elsewhere", () => {
    const live = parseSettings(ScrapeSettingsSchema, { ...KAFKA, METADATA_TABLE: "metadata" });
    expect(live).toMatchObject({
      WIKIDATA_API_URL: "https://www.wikidata.org/w/api.php",
      COMMONS_FILE_BASE_URL: "https://upload.wikimedia.org/wikipedia/commons",
      TMDB_API_URL: "https://api.themoviedb.org/3",
      TMDB_IMAGE_BASE_URL: "https://image.tmdb.org/t/p",
      WEB_PAGE_URL_TEMPLATE: "https://en.wikipedia.org/wiki/{title}",
      MAX_IMAGES_PER_SOURCE: 20,
    });
    expect(live.TMDB_SECRET_ARN).toBeUndefined();
    const sample = parseSettings(ScrapeSettingsSchema, {
      ...KAFKA,
      METADATA_TABLE: "metadata",
      WIKIDATA_API_URL: "http://127.0.0.1:4580/wikidata/w/api.php",
      MAX_IMAGES_PER_SOURCE: "3",
    });
    expect(sample).toMatchObject({
      WIKIDATA_API_URL: "http://127.0.0.1:4580/wikidata/w/api.php",
      MAX_IMAGES_PER_SOURCE: 3,
    });
  });

  test.each([
    ["scrape", ScrapeSettingsSchema, { METADATA_TABLE: "m" }, "INPUT_TOPIC (not set)"],
    ["validate", ValidateSettingsSchema, { ...KAFKA }, "METADATA_TABLE (not set)"],
    ["store", StoreSettingsSchema, { ...KAFKA, METADATA_TABLE: "m" }, "IMAGES_BUCKET (not set)"],
    ["clean", CleanSettingsSchema, { ...KAFKA, METADATA_TABLE: "m", IMAGES_BUCKET: "i" }, "LAKE_BUCKET (not set)"],
    [
      "clean",
      CleanSettingsSchema,
      { ...KAFKA, METADATA_TABLE: "m", IMAGES_BUCKET: "i", LAKE_BUCKET: "l", MIN_IMAGE_SIDE: "-4" },
      'MIN_IMAGE_SIDE="-4"',
    ],
    [
      "scrape",
      ScrapeSettingsSchema,
      { ...KAFKA, METADATA_TABLE: "m", MAX_IMAGES_PER_SOURCE: "lots" },
      'MAX_IMAGES_PER_SOURCE="lots"',
    ],
  ])("%s refuses an environment without what it needs: %#", (_stage, schema, env, named) => {
    expect(() => parseSettings(schema, env)).toThrow(named);
  });

  test("a handler parses its settings at init: a missing variable stops the sandbox with its name", () => {
    const saved = { ...process.env };
    try {
      for (const name of Object.keys(KAFKA)) delete process.env[name];
      Object.assign(process.env, KAFKA);
      delete process.env.METADATA_TABLE;
      jest.isolateModules(() => {
        expect(() => require("../../../lambdas/faces/validate/handler")).toThrow("METADATA_TABLE (not set)");
      });
    } finally {
      for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
      Object.assign(process.env, saved);
    }
  });
});
