/**
 * Debian's Chromium driven by playwright-core (Playwright's own browser download cannot reach its host here):
 * the browser tests and `npm run screenshots` launch it the same way.
 */
import { existsSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";

/** `SLUICE_CHROMIUM` or Debian's `/usr/bin/chromium` (`apt-get install -y chromium`). */
export const chromiumPath = (): string => process.env.SLUICE_CHROMIUM ?? "/usr/bin/chromium";

/**
 * - `--no-sandbox`: Chromium refuses to start its sandbox as root, which CI and these machines are; the pages it
 *   opens are our own dashboard on loopback.
 * - `--disable-dev-shm-usage`: CI containers may give /dev/shm 64 MB, too little for the renderer; use /tmp.
 * - `--disable-gpu`: no GPU here; software rendering without probing for one.
 */
export const CHROMIUM_ARGS: readonly string[] = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"];

export async function launchChromium(): Promise<Browser> {
  const executablePath = chromiumPath();
  if (!existsSync(executablePath)) {
    throw new Error(`no Chromium at ${executablePath}: apt-get install -y chromium (or set SLUICE_CHROMIUM)`);
  }
  return chromium.launch({ executablePath, headless: true, args: [...CHROMIUM_ARGS] });
}
