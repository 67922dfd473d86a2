import { dynamo } from "#shared/aws";
import { parseSettings } from "#shared/settings";
import { kafkaStageHandler } from "#shared/stage-handler";
import { groupCommit } from "#tweets/group-commit";
import { recordRejection } from "#tweets/rejections";
import { countTweet } from "./hashtags";
import { HashtagsSettingsSchema } from "./settings";

const settings = parseSettings(HashtagsSettingsSchema, process.env);
const db = dynamo();
// The records of an invocation in flight together are committed together: one transaction, each counted once.
const apply = groupCommit(db);
const tables = { hashtags: settings.HASHTAGS_TABLE, users: settings.USERS_TABLE };

export const handler = kafkaStageHandler(
  (record, { correlationId }) =>
    countTweet(record.value, correlationId, {
      tables,
      apply,
      reject: (reason, detail) =>
        recordRejection(db, tables.hashtags, {
          value: record.value,
          by: correlationId,
          reason,
          detail,
          at: new Date(),
        }),
    }),
  {
    settings,
    emit: async () => {
      throw new Error("the hashtags stage emits nothing");
    },
  },
);
