import { type LocalConfig, loadLocalConfig } from "#local/config";
import { stackOutputs } from "#local/support/aws";

export const cfg: LocalConfig = loadLocalConfig();

/** The deployed stacks' outputs; fails the test if the deploy did not produce the one asked for. */
export async function output(key: string): Promise<string> {
  const outputs = await stackOutputs(cfg, cfg.stackPrefix);
  const value = outputs[key];
  if (value === undefined) throw new Error(`output ${key} missing; outputs: ${Object.keys(outputs).join(", ")}`);
  return value;
}

/** A name no other test run uses. */
export const unique = (prefix: string): string =>
  `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
