import { dynamo } from "#shared/aws";
import { parseSettings } from "#shared/settings";
import { kafkaStageHandler } from "#shared/stage-handler";
import { groupCommit } from "#tweets/group-commit";
import { keywordMatcher } from "#tweets/keywords";
import { recordRejection } from "#tweets/rejections";
import { TrackerSettingsSchema } from "./settings";
import { trackTweet } from "./tracker";

const settings = parseSettings(TrackerSettingsSchema, process.env);
const db = dynamo();
// The records of an invocation in flight together are committed together: one transaction, each counted once.
const apply = groupCommit(db);
const table = settings.TRACKER_TABLE;
const match = keywordMatcher(settings.TRACKED_KEYWORDS);

export const handler = kafkaStageHandler(
  (record, { correlationId }) =>
    trackTweet(record.value, correlationId, {
      table,
      match,
      apply,
      reject: (reason, detail) =>
        recordRejection(db, table, { value: record.value, by: correlationId, reason, detail, at: new Date() }),
    }),
  {
    settings,
    emit: async () => {
      throw new Error("the tracker emits nothing");
    },
  },
);
