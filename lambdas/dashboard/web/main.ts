/**
 * The shell: navigation from the page registry, the page named by the URL's hash in `<main>`, and the refresh
 * loop — the current page's `refresh` at mount and then every REFRESH_MS after the previous one ended (never two at
 * once; skipped while the tab is hidden), with the last update's time in the status line. No reload, ever.
 */
import { getJson } from "./api";
import { h, replace } from "./dom";
import { PAGES } from "./pages";
import type { MountedPage, Page, PageContext } from "./pages/types";

/** How often the current page refreshes. */
export const REFRESH_MS = 5_000;

interface Current {
  readonly page: Page;
  readonly mounted: MountedPage;
}

const main = document.getElementById("main") as HTMLElement;
const nav = document.getElementById("nav") as HTMLElement;
const status = document.getElementById("status") as HTMLElement;
let mode: PageContext["mode"] = "full";
let current: Current | undefined;
let timer: ReturnType<typeof setTimeout> | undefined;
let running: Promise<void> | undefined;

function parseHash(): { page: Page; params: URLSearchParams } {
  const hash = location.hash.replace(/^#\/?/, "");
  const [id = "", query = ""] = hash.split("?", 2);
  const first = PAGES[0];
  if (first === undefined) throw new Error("the dashboard has no pages");
  return { page: PAGES.find((p) => p.id === id) ?? first, params: new URLSearchParams(query) };
}

function hrefOf(pageId: string, params: Readonly<Record<string, string>> = {}): string {
  const qs = new URLSearchParams(params).toString();
  return `#/${pageId}${qs === "" ? "" : `?${qs}`}`;
}

function renderNav(active: Page): void {
  replace(
    nav,
    h(
      "ul",
      {},
      ...PAGES.map((p) =>
        h("li", {}, h("a", { href: hrefOf(p.id), "aria-current": p === active ? "page" : undefined }, p.title)),
      ),
    ),
  );
}

async function refresh(): Promise<void> {
  if (running !== undefined) return running;
  const target = current;
  if (target === undefined) return;
  running = (async () => {
    try {
      await target.mounted.refresh();
      if (current === target) status.textContent = `Updated ${new Date().toLocaleTimeString()}`;
    } catch (error) {
      status.textContent = `Could not refresh: ${error instanceof Error ? error.message : String(error)}`;
    } finally {
      running = undefined;
    }
  })();
  return running;
}

function schedule(): void {
  clearTimeout(timer);
  timer = setTimeout(async () => {
    if (document.visibilityState === "visible") await refresh();
    schedule();
  }, REFRESH_MS);
}

function mount(): void {
  const { page, params } = parseHash();
  current?.mounted.unmount?.();
  current = undefined;
  replace(main);
  document.title = `${page.title} · sluice dashboard`;
  renderNav(page);
  const context: PageContext = {
    mode,
    params,
    navigate: (pageId, next) => {
      location.hash = hrefOf(pageId, next);
    },
    refreshNow: () => {
      void refresh().then(schedule);
    },
  };
  current = { page, mounted: page.mount(main, context) };
  void refresh().then(schedule);
}

async function start(): Promise<void> {
  try {
    const meta = await getJson<{ mode: PageContext["mode"] }>("api/meta");
    mode = meta.mode;
  } catch (error) {
    status.textContent = `The dashboard's API does not answer: ${error instanceof Error ? error.message : String(error)}`;
  }
  window.addEventListener("hashchange", mount);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") void refresh();
  });
  mount();
}

void start();
