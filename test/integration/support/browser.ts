/**
 * The browser tests' harness: one Chromium per suite (Debian's, through playwright-core), and pages opened on the
 * dashboard that record every console error, uncaught exception and failed request, so a test can require none.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { type DashboardUrls, dashboardUrls } from "#local/jobs/dashboard/urls";
import { launchChromium } from "#local/support/chromium";
import { cfg } from "../helpers";

/** A phone's viewport (CSS pixels), for the narrow-layout checks. */
export const PHONE = { width: 390, height: 844 } as const;
export const DESKTOP = { width: 1280, height: 900 } as const;

export interface OpenedPage {
  readonly page: Page;
  /** Console errors, page errors and failed requests, in order, as text. */
  readonly errors: string[];
  close(): Promise<void>;
}

export interface BrowserSession {
  readonly browser: Browser;
  readonly urls: DashboardUrls;
  /** Opens `hash` (e.g. `#/tweets`) of the dashboard, in the host form unless `pathForm`. */
  open(
    hash?: string,
    options?: { viewport?: { width: number; height: number }; pathForm?: boolean },
  ): Promise<OpenedPage>;
  close(): Promise<void>;
}

export async function browserSession(): Promise<BrowserSession> {
  const urls = await dashboardUrls(cfg);
  const browser = await launchChromium();
  const contexts = new Set<BrowserContext>();
  return {
    browser,
    urls,
    async open(hash = "", options = {}) {
      const context = await browser.newContext({ viewport: options.viewport ?? DESKTOP });
      contexts.add(context);
      const page = await context.newPage();
      const errors: string[] = [];
      page.on("console", (m) => {
        if (m.type() === "error") errors.push(`console: ${m.text()} (${m.location().url})`);
      });
      page.on("pageerror", (e) => errors.push(`page error: ${e.message}`));
      page.on("requestfailed", (r) => errors.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ""}`));
      await page.goto(`${options.pathForm ? urls.pathUrl : urls.url}${hash}`);
      return {
        page,
        errors,
        async close() {
          contexts.delete(context);
          await context.close();
        },
      };
    },
    async close() {
      for (const c of contexts) await c.close();
      await browser.close();
    },
  };
}

/** GETs an API route of the dashboard from Node (the path form: Node's resolver knows no `*.localhost`). */
export async function api<T>(urls: DashboardUrls, path: string): Promise<T> {
  const res = await fetch(new URL(path, urls.pathUrl));
  const text = await res.text();
  if (!res.ok) throw new Error(`GET ${path} answered ${res.status}: ${text}`);
  return JSON.parse(text) as T;
}
