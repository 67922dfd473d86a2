import { Logger } from "@aws-lambda-powertools/logger";

/** The one structured JSON logger of every handler; the service name comes from POWERTOOLS_SERVICE_NAME. */
export const logger = new Logger();
export type { Logger };
