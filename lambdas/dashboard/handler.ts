/**
 * The dashboard function behind its function URL: wires only. Settings, clients, the web app's files and the
 * form's producer (a full dashboard only) are made once per sandbox; `app.ts` answers.
 */
import { join } from "node:path";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from "aws-lambda";
import { cloudWatch, dynamo, s3Client } from "#shared/aws";
import { logger } from "#shared/logger";
import { kafkaProducer } from "#shared/output";
import { parseSettings } from "#shared/settings";
import { dashboardApp } from "./app";
import { PAGE_ROUTES } from "./routes";
import type { DashboardDeps } from "./server/deps";
import { readWebFiles } from "./server/static";
import { DashboardSettingsSchema } from "./settings";

const settings = parseSettings(DashboardSettingsSchema, process.env);

function producerOf(): DashboardDeps["producer"] {
  const { KAFKA_BOOTSTRAP_SERVERS: brokers, KAFKA_SECRET_ARN: secretArn } = settings;
  if (settings.DASHBOARD_MODE === "read-only" || brokers === undefined || secretArn === undefined) return undefined;
  const producer = kafkaProducer({ ...settings, KAFKA_BOOTSTRAP_SERVERS: brokers, KAFKA_SECRET_ARN: secretArn });
  return () => producer.get();
}

let s3: ReturnType<typeof s3Client> | undefined;
const app = dashboardApp({
  routes: PAGE_ROUTES,
  files: readWebFiles(join(__dirname, "web")),
  deps: {
    settings,
    dynamo,
    s3: () => {
      s3 ??= s3Client(settings);
      return s3;
    },
    cloudWatch,
    producer: producerOf(),
    now: () => new Date(),
  },
  onError: (error, request) => logger.error("request failed", { error, method: request.method, path: request.path }),
});

export async function handler(
  event: APIGatewayProxyEventV2,
  context: Context,
): Promise<APIGatewayProxyStructuredResultV2> {
  logger.resetKeys();
  logger.addContext(context);
  const method = event.requestContext.http.method;
  const body =
    event.body === undefined
      ? undefined
      : event.isBase64Encoded
        ? Buffer.from(event.body, "base64").toString("utf8")
        : event.body;
  const query = Object.fromEntries(
    Object.entries(event.queryStringParameters ?? {}).filter((e): e is [string, string] => e[1] !== undefined),
  );
  const response = await app.handle({ method, path: event.rawPath, query, body });
  if (response.statusCode >= 500)
    logger.warn("answered with an error", { method, path: event.rawPath, status: response.statusCode });
  return { ...response, isBase64Encoded: response.isBase64Encoded ?? false };
}
