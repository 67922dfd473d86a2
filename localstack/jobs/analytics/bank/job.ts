/** What `npm start` does for the bank pipeline: load the bundled sample, follow it, and summarise. */
import type { LocalConfig } from "../../../config";
import type { Log } from "../../../support/log";

/** Runs the bank sample through the deployed pipeline; resolves to its summary, ready to print. */
export async function runBankJob(
  _cfg: LocalConfig,
  _outputs: Record<string, string>,
  _options: { log: Log; interactive: boolean },
): Promise<string> {
  throw new Error("the bank pipeline's job is not built yet");
}
