/** What every dashboard page test ends with: the page has refreshed, fits its viewport, and logged no error. */
import type { OpenedPage } from "./browser";

export async function expectSettledAndClean({ page, errors }: OpenedPage): Promise<void> {
  await page.locator("#status", { hasText: "Updated" }).waitFor();
  const overflow = await page.evaluate<number>("document.documentElement.scrollWidth - window.innerWidth");
  expect(overflow).toBeLessThanOrEqual(0);
  expect(errors).toEqual([]);
}
