import type { Panel } from "./panel";

/** Shows `element` (a component that updates itself in place) in `panel`: once, then keeps it across refreshes. */
export function present(panel: Panel, element: HTMLElement): void {
  if (panel.element.contains(element)) panel.keep();
  else panel.show(element);
}

/** An error's message, for a panel's error state. */
export const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));
