import type { VerifiedImage } from "#faces/contracts";
import { recordSighting, type Table } from "#faces/metadata";
import { assessUrl } from "#faces/net/assess-url";
import { dynamo } from "#shared/aws";
import { kafkaOutput } from "#shared/output";
import { parseSettings } from "#shared/settings";
import { kafkaStageHandler } from "#shared/stage-handler";
import { ValidateSettingsSchema } from "./settings";
import { validateRecord } from "./validate";

const settings = parseSettings(ValidateSettingsSchema, process.env);
const table: Table = { db: dynamo(), name: settings.METADATA_TABLE };
const policy = { allowList: settings.URL_ALLOW_LIST };

export const handler = kafkaStageHandler<VerifiedImage>(
  (record, { correlationId }) =>
    validateRecord(record.value, correlationId, {
      checkSafety: (url) => assessUrl(url, policy),
      recordSighting: (item, by) => recordSighting(table, item, by),
      now: () => new Date(),
    }),
  { settings, emit: kafkaOutput(settings) },
);
