/**
 * `npm run screenshots`: a PNG of every page of the running dashboard (the pages its navigation lists), one of an
 * account's page, and one at a phone's width, into docs/screenshots/ for the README. Run it after `npm start`, so
 * every pipeline has results to show.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { loadLocalConfig } from "../../config";
import { launchChromium } from "../../support/chromium";
import { dashboardUrls } from "./urls";

const OUT = join(__dirname, "..", "..", "..", "docs", "screenshots");
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };

/** Waits until every panel has its first answer and the shell says it updated. */
async function settled(page: Page): Promise<void> {
  await page.locator("#status", { hasText: "Updated" }).waitFor({ timeout: 60_000 });
  // A locator, not waitForFunction: polling a string predicate runs eval in the page, which the CSP refuses.
  await page.locator('[aria-busy="true"]').first().waitFor({ state: "detached", timeout: 60_000 });
}

async function main(): Promise<void> {
  const cfg = loadLocalConfig();
  const urls = await dashboardUrls(cfg);
  mkdirSync(OUT, { recursive: true });
  const browser = await launchChromium();
  const shots: string[] = [];
  try {
    const shoot = async (hash: string, file: string, viewport = DESKTOP): Promise<void> => {
      const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
      const page = await context.newPage();
      await page.goto(`${urls.url}${hash}`);
      await settled(page);
      const path = join(OUT, file);
      await page.screenshot({ path, fullPage: true });
      shots.push(path);
      await context.close();
    };
    const context = await browser.newContext({ viewport: DESKTOP });
    const page = await context.newPage();
    await page.goto(urls.url);
    await page.locator("nav a").first().waitFor();
    const hashes = await page.locator("nav a").evaluateAll((as) => as.map((a) => a.getAttribute("href") ?? ""));
    await context.close();
    for (const hash of hashes) await shoot(hash, `${hash.replace(/^#\//, "")}.png`);
    const accounts = (await (await fetch(new URL("api/bank/accounts", urls.pathUrl))).json()) as {
      accounts: Array<{ account: string }>;
    };
    const first = accounts.accounts[0]?.account;
    if (first !== undefined)
      await shoot(`#/transactions?account=${encodeURIComponent(first)}`, "transactions-account.png");
    await shoot("#/tweets", "tweets-phone.png", PHONE);
    await shoot("#/faces", "faces-phone.png", PHONE);
  } finally {
    await browser.close();
  }
  for (const s of shots) process.stdout.write(`wrote ${s}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `screenshots failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
