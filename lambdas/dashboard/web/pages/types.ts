/**
 * A page of the dashboard. The shell mounts the page named by the URL's hash (`#/<id>?<params>`) into `<main>`,
 * calls `refresh` at once and then every few seconds (never two at a time, paused while the tab is hidden), and
 * unmounts it when the reader goes elsewhere.
 */

export interface PageContext {
  /** `read-only` dashboards have no routes that write: a page hides its forms. */
  readonly mode: "full" | "read-only";
  /** The hash's query: `#/transactions?account=A1` gives `account=A1`. */
  readonly params: URLSearchParams;
  /** Goes to `#/<id>?<params>` (same page: a new mount with the new params). */
  navigate(pageId: string, params?: Readonly<Record<string, string>>): void;
  /** Asks for a refresh now (after a form is sent), instead of at the next tick. */
  refreshNow(): void;
}

export interface MountedPage {
  refresh(): Promise<void>;
  unmount?(): void;
}

export interface Page {
  /** The hash's first segment, e.g. `transactions`. */
  readonly id: string;
  /** The navigation label and the page's heading. */
  readonly title: string;
  mount(root: HTMLElement, context: PageContext): MountedPage;
}
