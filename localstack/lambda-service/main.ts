/**
 * Entry point of the local Lambda service daemon (started by `npm run local:up`; runnable on its own
 * with `npx tsx localstack/lambda-service/main.ts`). Logs structured JSON to stdout; SIGTERM stops it gracefully.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { loadLocalConfig } from "../config";
import { LambdaService } from "./service";

async function main(): Promise<void> {
  const started = performance.now();
  const cfg = loadLocalConfig();
  // POWERTOOLS_LOG_LEVEL sets the level (default INFO).
  const logger = new Logger({ serviceName: "sluice-lambda-service" });
  const service = new LambdaService({
    cfg,
    log: (level, message, fields) => logger[level](message, fields ?? {}),
  });
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info("stopping", { signal });
    service.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error("stop failed", { error: error as Error });
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
  await service.start();
  // performance.now() counts from process start, so module loading is included.
  logger.info("ready", {
    endpoint: cfg.endpoint.url,
    startMs: Math.round(performance.now()),
    mainMs: Math.round(performance.now() - started),
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`sluice lambda service: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
