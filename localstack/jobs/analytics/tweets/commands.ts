/** `sluice tweets --from sample|live|FILE.jsonl --rate N`. */
import type { LocalConfig } from "../../../config";
import type { Log } from "../../../support/log";

export async function tweetsCommand(_cfg: LocalConfig, _args: string[], _log: Log): Promise<number> {
  throw new Error("sluice tweets: not built yet");
}
