import { Match, Template } from "aws-cdk-lib/assertions";
import { buildApp } from "#lib/app";
import { TRACKER_FILTER } from "../../../lambdas/analytics/tweets/tracker/settings";
import { PRODUCTION_CONTEXT } from "../production-context";

function analytics(context: Record<string, unknown> = {}) {
  const { analytics } = buildApp({ context: { ...PRODUCTION_CONTEXT, ...context }, nag: false });
  return { stack: analytics, template: Template.fromStack(analytics) };
}

/** The logical id of the function named `name`. */
function functionId(template: Template, name: string): string {
  const [id] = Object.keys(template.findResources("AWS::Lambda::Function", { Properties: { FunctionName: name } }));
  if (id === undefined) throw new Error(`no function ${name}`);
  return id;
}

describe("the tweet pipelines (production profile)", () => {
  const { template } = analytics();

  test("three tables on demand with point-in-time recovery, retained, no hard-coded names", () => {
    const tables = template.findResources("AWS::DynamoDB::Table");
    const ours = Object.entries(tables).filter(([id]) => id.startsWith("Tweets"));
    expect(ours.map(([id]) => id.replace(/[0-9A-F]{8}$/, "")).sort()).toEqual([
      "TweetsHashtagCounts",
      "TweetsTrackerCounts",
      "TweetsUsers",
    ]);
    for (const [, table] of ours) {
      expect(table.Properties.BillingMode).toBe("PAY_PER_REQUEST");
      expect(table.Properties.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
      expect(table.Properties.TableName).toBeUndefined();
      expect(table.DeletionPolicy).toBe("Retain");
    }
  });

  test("both consumers read the tweets topic; only the tracker filters, on the producer's keyword mark", () => {
    const hashtags = functionId(template, "sluice-analytics-tweet-hashtags");
    const tracker = functionId(template, "sluice-analytics-tweet-tracker");
    template.hasResourceProperties("AWS::Lambda::EventSourceMapping", {
      FunctionName: { Ref: hashtags },
      Topics: ["tweets"],
      FilterCriteria: Match.absent(),
      FunctionResponseTypes: ["ReportBatchItemFailures"],
    });
    template.hasResourceProperties("AWS::Lambda::EventSourceMapping", {
      FunctionName: { Ref: tracker },
      Topics: ["tweets"],
      FilterCriteria: { Filters: [{ Pattern: JSON.stringify(TRACKER_FILTER) }] },
    });
    // Each its own consumer group: none is set, so AWS uses each mapping's UUID.
    const mappings = Object.values(template.findResources("AWS::Lambda::EventSourceMapping"));
    for (const m of mappings) expect(m.Properties.SelfManagedKafkaEventSourceConfig).toBeUndefined();
  });

  test("the tracker gets the keywords from context, as JSON", () => {
    const { template: custom } = analytics({ "sluice:trackedKeywords": "flu, corona virus" });
    custom.hasResourceProperties("AWS::Lambda::Function", {
      FunctionName: "sluice-analytics-tweet-tracker",
      Environment: { Variables: Match.objectLike({ TRACKED_KEYWORDS: JSON.stringify(["flu", "corona virus"]) }) },
    });
    custom.hasOutput("TrackedKeywords", { Value: JSON.stringify(["flu", "corona virus"]) });
    template.hasOutput("TrackedKeywords", { Value: JSON.stringify(["corona virus", "COVID-19", "pandemic"]) });
  });

  test("least privilege: each function writes only its own tables, with put and update", () => {
    const policies = template.findResources("AWS::IAM::Policy");
    const dynamoStatements = (fnPrefix: string) =>
      Object.entries(policies)
        .filter(([id]) => id.startsWith(fnPrefix))
        .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Array<{ Action: unknown; Resource: unknown }>)
        .filter((s) => JSON.stringify(s.Action).includes("dynamodb:"));
    const hashtags = dynamoStatements("TweetsHashtagsFunctionRole");
    expect(hashtags.map((s) => s.Action)).toEqual([["dynamodb:PutItem", "dynamodb:UpdateItem"], "dynamodb:UpdateItem"]);
    expect(JSON.stringify(hashtags)).toMatch(/TweetsHashtagCounts.*TweetsUsers/);
    expect(JSON.stringify(hashtags)).not.toMatch(/TrackerCounts/);
    const tracker = dynamoStatements("TweetsTrackerFunctionRole");
    expect(tracker.map((s) => s.Action)).toEqual([["dynamodb:PutItem", "dynamodb:UpdateItem"]]);
    expect(JSON.stringify(tracker)).toMatch(/TweetsTrackerCounts/);
    expect(JSON.stringify(tracker)).not.toMatch(/HashtagCounts|TweetsUsers/);
  });

  test("the X bearer token secret starts empty", () => {
    template.hasResourceProperties("AWS::SecretsManager::Secret", {
      SecretString: JSON.stringify({ bearerToken: "" }),
    });
  });

  test("outputs carry the pipeline's name so they cannot clash with other stacks'", () => {
    for (const name of [
      "TweetHashtagsTableName",
      "TweetUsersTableName",
      "TweetTrackerTableName",
      "TweetHashtagsFunctionName",
      "TweetTrackerFunctionName",
      "XBearerTokenSecretArn",
    ]) {
      template.hasOutput(name, {});
    }
    template.hasOutput("TweetHashtagsFunctionName", { Value: "sluice-analytics-tweet-hashtags" });
  });
});

describe("the tweet pipelines (local profile)", () => {
  test("tables go with the stack", () => {
    const { template } = analytics({ "sluice:profile": "local" });
    const tables = Object.entries(template.findResources("AWS::DynamoDB::Table")).filter(([id]) =>
      id.startsWith("Tweets"),
    );
    expect(tables).toHaveLength(3);
    for (const [, t] of tables) expect(t.DeletionPolicy).toBe("Delete");
  });
});
