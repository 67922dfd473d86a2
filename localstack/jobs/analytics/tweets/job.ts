/** What `npm start` does for the tweet pipelines: stream the bundled sample, follow it, and summarise. */
import type { LocalConfig } from "../../../config";
import type { Log } from "../../../support/log";

/** Streams the sample tweets through the deployed pipelines; resolves to their summary, ready to print. */
export async function runTweetsJob(
  _cfg: LocalConfig,
  _outputs: Record<string, string>,
  _options: { log: Log; interactive: boolean },
): Promise<string> {
  throw new Error("the tweet pipelines' job is not built yet");
}
