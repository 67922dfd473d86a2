/**
 * The dashboard's pages, in the navigation's order: one line per page. To add one, write `pages/<page>.ts`
 * exporting a `Page` (see `types.ts`), and add it here.
 */
import { facesPage } from "./faces";
import { healthPage } from "./health";
import { lakePage } from "./lake";
import { overviewPage } from "./overview";
import { trackerPage } from "./tracker";
import { transactionsPage } from "./transactions";
import { tweetsPage } from "./tweets";
import type { Page } from "./types";

export const PAGES: readonly Page[] = [
  overviewPage,
  transactionsPage,
  tweetsPage,
  trackerPage,
  // one line per page
  lakePage,
  facesPage,
  healthPage,
];
