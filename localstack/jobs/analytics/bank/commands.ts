/** `sluice load transactions --from FILE.csv` and `sluice transaction --account A --amount 12.50 --type T`. */
import type { LocalConfig } from "../../../config";
import type { Log } from "../../../support/log";

export async function loadCommand(_cfg: LocalConfig, _args: string[], _log: Log): Promise<number> {
  throw new Error("sluice load transactions: not built yet");
}

export async function transactionCommand(_cfg: LocalConfig, _args: string[], _log: Log): Promise<number> {
  throw new Error("sluice transaction: not built yet");
}
