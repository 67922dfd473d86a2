/**
 * A titled section of a page that says what it is doing: loading (until its first answer), empty (with a message
 * that says why and what to do), an error (the API's message), or its content. A refresh that fails after a
 * success keeps the content and adds a note, so the page does not flash.
 */
import { type Child, h, replace } from "../dom";

export class Panel {
  readonly element: HTMLElement;
  private readonly body: HTMLElement;
  private readonly note: HTMLElement;
  private shown = false;

  constructor(title: string, options: { readonly id?: string; readonly description?: string } = {}) {
    const headingId = `${options.id ?? title.toLowerCase().replace(/[^a-z0-9]+/g, "-")}-title`;
    this.body = h(
      "div",
      { class: "panel-body" },
      h("p", { class: "state state-loading" }, `Loading ${title.toLowerCase()}…`),
    );
    this.note = h("p", { class: "panel-note", role: "status" });
    this.element = h(
      "section",
      { class: "panel", id: options.id, "aria-labelledby": headingId, "aria-busy": "true" },
      h("h2", { id: headingId }, title),
      options.description ? h("p", { class: "panel-description" }, options.description) : null,
      this.note,
      this.body,
    );
  }

  /** Shows content; `nodes` replace what was there. */
  show(...nodes: Child[]): void {
    this.shown = true;
    this.element.setAttribute("aria-busy", "false");
    this.note.textContent = "";
    replace(this.body, ...nodes);
  }

  /** Keeps the content already shown (a component that updates itself in place). */
  keep(): void {
    this.shown = true;
    this.element.setAttribute("aria-busy", "false");
    this.note.textContent = "";
  }

  /** Shows `element` the first time, then keeps it (it updates itself in place). */
  present(element: HTMLElement): void {
    if (this.body.contains(element)) this.keep();
    else this.show(element);
  }

  empty(message: string): void {
    this.show(h("p", { class: "state state-empty" }, message));
  }

  error(message: string): void {
    this.element.setAttribute("aria-busy", "false");
    if (this.shown) {
      this.note.textContent = `Could not refresh: ${message}`;
      return;
    }
    replace(this.body, h("p", { class: "state state-error", role: "alert" }, message));
  }

  /** Runs `load`; its error shows as the panel's error state. */
  async load(load: () => Promise<void>): Promise<void> {
    try {
      await load();
    } catch (error) {
      this.error(error instanceof Error ? error.message : String(error));
    }
  }
}
