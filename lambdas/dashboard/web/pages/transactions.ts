/**
 * Transactions: every account with its balance; for the account in the URL (`#/transactions?account=A1`) its
 * balance over time and its transactions, a page at a time; and, on a full dashboard, the form that enters one.
 */
import type {
  AccountsResponse,
  AccountView,
  BalanceHistoryResponse,
  TransactionsPage,
  TransactionView,
} from "../../contract";
import { getJson } from "../api";
import { LineChartFigure } from "../components/charts";
import { DataTable } from "../components/data-table";
import { Panel } from "../components/panel";
import { h, replace } from "../dom";
import { displayCents, errorText, formatCount, formatTime } from "../format";
import { transactionForm } from "./transactions-form";
import type { Page } from "./types";

const PAGE_SIZE = 20;
/** The balance axis: 25K, 1.2M (units, not cents). */
const compactMoney = new Intl.NumberFormat("en-US", { notation: "compact", maximumFractionDigits: 1 });

export const transactionsPage: Page = {
  id: "transactions",
  title: "Transactions",
  mount(root, context) {
    const selected = context.params.get("account") ?? undefined;
    const accountPath = (a: string) => `api/bank/accounts/${encodeURIComponent(a)}`;
    const accountsPanel = new Panel("Accounts", { id: "accounts" });
    const accounts = new DataTable<AccountView>({
      id: "accounts",
      caption: "Accounts and their balances",
      columns: [
        {
          key: "account",
          label: "Account",
          value: (a) => a.account,
          href: (a) => `#/transactions?account=${encodeURIComponent(a.account)}`,
        },
        {
          key: "balance",
          label: "Balance",
          value: (a) => a.balance,
          numeric: true,
          format: (a) => displayCents(a.balance),
        },
        {
          key: "transactions",
          label: "Transactions",
          value: (a) => a.transactions,
          numeric: true,
          format: (a) => formatCount(a.transactions),
        },
        { key: "opened", label: "Opened", value: (a) => a.openedAt, format: (a) => formatTime(a.openedAt) },
      ],
      sort: { key: "account", direction: "ascending" },
      emptyMessage: "No account yet: `sluice load transactions` (npm start loads the sample) opens them.",
    });
    const formPanel = context.mode === "full" ? new Panel("Enter a transaction", { id: "enter" }) : undefined;
    const form = transactionForm({
      balanceOf: async (a) => (await getJson<AccountView>(accountPath(a))).balance,
      onOutcome: () => context.refreshNow(),
    });
    formPanel?.show(form.element);

    root.append(h("h1", {}, "Transactions"), ...(formPanel ? [formPanel.element] : []));
    let detail: { refresh(): Promise<void> } | undefined;
    if (selected !== undefined) {
      const accountPanel = new Panel(`Account ${selected}`, { id: "account" });
      const historyPanel = new Panel("Balance over time", { id: "balance-history" });
      const txPanel = new Panel("Its transactions", {
        id: "account-transactions",
        description: `${PAGE_SIZE} at a time, in the ledger's order (by id); each page newest first, or sorted by any column.`,
      });
      const chart = new LineChartFigure(
        "balance-history",
        `The balance of ${selected} after each transaction`,
        displayCents,
        (cents) => compactMoney.format(cents / 100),
      );
      const txTable = new DataTable<TransactionView>({
        id: "account-transactions",
        caption: `Transactions of ${selected}`,
        columns: [
          { key: "date", label: "Date", value: (t) => t.date },
          { key: "type", label: "Type", value: (t) => t.type },
          {
            key: "amount",
            label: "Amount",
            value: (t) => t.cents,
            numeric: true,
            format: (t) => displayCents(t.cents),
          },
          { key: "source", label: "Source", value: (t) => t.source },
          { key: "id", label: "Transaction id", value: (t) => t.transactionId },
        ],
        sort: { key: "date", direction: "descending" },
        emptyMessage: "No transaction applied to this account yet.",
      });
      // Cursors of the pages seen so far: [undefined] is the first page.
      const cursors: (string | undefined)[] = [undefined];
      let pageIndex = 0;
      let next: string | null = null;
      const pager = h("div", { class: "pager" });
      const txBox = h("div", {}, txTable.element, pager);
      const go = (index: number) => {
        pageIndex = index;
        void loadPage();
      };
      const loadPage = async (): Promise<void> => {
        const page = await getJson<TransactionsPage>(`${accountPath(selected)}/transactions`, {
          limit: PAGE_SIZE,
          cursor: cursors[pageIndex],
        });
        next = page.next;
        if (next !== null) cursors[pageIndex + 1] = next;
        txTable.update(page.items);
        const previous = h("button", { type: "button", disabled: pageIndex === 0 }, "Previous page");
        previous.addEventListener("click", () => go(pageIndex - 1));
        const following = h("button", { type: "button", disabled: next === null }, "Next page");
        following.addEventListener("click", () => go(pageIndex + 1));
        replace(pager, previous, ` Page ${pageIndex + 1} `, following);
        txPanel.present(txBox);
      };
      root.append(accountPanel.element, historyPanel.element, txPanel.element);
      detail = {
        async refresh() {
          await Promise.all([
            (async () => {
              const history = await getJson<BalanceHistoryResponse>(`${accountPath(selected)}/balance-history`);
              accountPanel.show(
                h(
                  "dl",
                  { class: "facts" },
                  h("dt", {}, "Balance"),
                  h("dd", { "data-balance": selected }, displayCents(history.balance)),
                  h("dt", {}, "Transactions"),
                  h("dd", {}, formatCount(history.points.length)),
                ),
              );
              if (history.points.length === 0) return historyPanel.empty("No transaction applied to this account yet.");
              chart.update([
                { name: selected, points: history.points.map((p) => ({ x: Date.parse(p.at), y: p.balance })) },
              ]);
              historyPanel.present(chart.element);
            })().catch((error: unknown) => {
              accountPanel.error(errorText(error));
              historyPanel.error(errorText(error));
            }),
            loadPage().catch((error: unknown) => txPanel.error(errorText(error))),
          ]);
        },
      };
    }
    root.append(accountsPanel.element);

    return {
      async refresh() {
        await Promise.all([
          getJson<AccountsResponse>("api/bank/accounts")
            .then((r) => {
              accounts.update(r.accounts);
              accountsPanel.present(accounts.element);
              form.setAccounts(
                r.accounts.map((a) => a.account),
                selected,
              );
            })
            .catch((error: unknown) => accountsPanel.error(errorText(error))),
          detail?.refresh(),
        ]);
      },
    };
  },
};
