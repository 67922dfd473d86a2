/**
 * The context of the project's cdk.json, read once here for everyone who needs it outside the CDK CLI
 * (which passes it itself): tests that build the app directly, and the local stack's configuration.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** cdk.json's `context` in the project root (this file's parent folder by default); {} when there is no cdk.json. */
export function cdkJsonContext(root: string = join(__dirname, "..")): Record<string, unknown> {
  const file = join(root, "cdk.json");
  if (!existsSync(file)) return {};
  try {
    return (JSON.parse(readFileSync(file, "utf8")) as { context?: Record<string, unknown> }).context ?? {};
  } catch (error) {
    throw new Error(`cannot read the context of ${file}`, { cause: error });
  }
}
