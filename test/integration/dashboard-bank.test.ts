/**
 * The Transactions page in a real browser: each test's account is opened and funded through the real pipeline
 * (a CSV loaded onto `transactions`), so the expected balances are the ones this file writes down. Entering a
 * transaction in the form must show the new balance; a withdrawal the account cannot cover must show the stage's
 * reason; an amount the bank's rule refuses is stopped in the page and again by the API.
 */
import { displayCents } from "#bank/money";
import { enterTransaction } from "#local/jobs/analytics/bank/live";
import { bankTarget, loadTransactions } from "#local/jobs/analytics/bank/load";
import { stackOutputs } from "#local/support/aws";
import { cfg, unique } from "./helpers";
import { api, type BrowserSession, browserSession, PHONE } from "./support/browser";

jest.setTimeout(5 * 60_000);

const log = (m: string): void => {
  process.stderr.write(`[dashboard-bank] ${m}\n`);
};

/** 25 deposits of 1.00 … 25.00 on one account: 325.00 in all, and two pages of transactions. */
const account = unique("DASH");
const deposits = Array.from({ length: 25 }, (_, i) => i + 1);
const SEEDED_BALANCE = "325.00";
let session: BrowserSession;

beforeAll(async () => {
  const target = bankTarget(await stackOutputs(cfg, cfg.stackPrefix));
  let balance = 0;
  const rows = deposits.map((units, i) => {
    balance += units;
    return `2026-01-${String(i + 1).padStart(2, "0")},${account},${units}.00,${balance}.00,deposit`;
  });
  const text = ["transaction_date,account,transaction_value,balance,transaction_type", ...rows].join("\n");
  const loaded = await loadTransactions(
    cfg,
    target,
    { text, origin: "the dashboard test" },
    { log, interactive: false },
  );
  expect(loaded.check.accounts).toEqual([]);
  session = await browserSession();
});

afterAll(async () => {
  await session?.close();
});

async function balanceShown(page: import("playwright-core").Page, want: string): Promise<void> {
  await page
    .locator(`dd[data-balance="${account}"]`, { hasText: new RegExp(`^${want.replace(".", "\\.")}$`) })
    .waitFor();
}

test("the accounts table lists the seeded account with its balance, and the page loads with no console error", async () => {
  const { page, errors, close } = await session.open("#/transactions");
  try {
    const row = page.locator('table[data-table="accounts"] tbody tr', { hasText: account });
    await row.waitFor();
    expect(await row.locator("td").allTextContents()).toEqual([account, SEEDED_BALANCE, "25", expect.any(String)]);
    expect(await page.locator('table[data-table="accounts"] thead th').allTextContents()).toEqual([
      "Account",
      "Balance",
      "Transactions",
      "Opened",
    ]);
    expect(errors).toEqual([]);
  } finally {
    await close();
  }
});

test("an account's transactions come a page at a time, and its balance history ends at its balance", async () => {
  const { page, errors, close } = await session.open(`#/transactions?account=${account}`);
  try {
    await balanceShown(page, SEEDED_BALANCE);
    const table = page.locator('table[data-table="account-transactions"]');
    const amounts = async () => (await table.locator("tbody tr td:nth-child(3)").allTextContents()).map(Number);
    await table.locator("tbody tr td").first().waitFor();
    const first = await amounts();
    expect(first).toHaveLength(20);
    await page.getByRole("button", { name: "Next page" }).click();
    await page.locator(".pager", { hasText: "Page 2" }).waitFor();
    await table.locator("tbody tr").nth(4).waitFor();
    const second = await amounts();
    expect([...first, ...second].sort((a, b) => a - b)).toEqual(deposits);
    const history = await page.locator('[data-chart-text="balance-history"] li').allTextContents();
    expect(history).toHaveLength(25);
    expect(history.at(-1)).toMatch(/: 325\.00$/);
    expect(errors).toEqual([]);
  } finally {
    await close();
  }
});

test("entering a deposit in the form shows the account's new balance", async () => {
  const { page, errors, close } = await session.open(`#/transactions?account=${account}`);
  try {
    await balanceShown(page, SEEDED_BALANCE);
    const form = page.getByRole("form", { name: "Enter a transaction" });
    await form.getByLabel("Account").selectOption(account);
    await form.getByLabel("Type").selectOption("deposit");
    await form.getByLabel("Amount").fill("74.50");
    await form.getByRole("button", { name: "Send" }).click();
    await page.locator("[data-tx-result]", { hasText: `Applied: the balance of ${account} is now 399.50.` }).waitFor();
    await balanceShown(page, "399.50");
    await page.locator('table[data-table="accounts"] tbody tr', { hasText: account }).getByText("399.50").waitFor();
    expect(errors).toEqual([]);
  } finally {
    await close();
  }
});

test("a withdrawal the balance cannot cover shows the stage's reason, and the balance stays", async () => {
  const { page, errors, close } = await session.open(`#/transactions?account=${account}`, { viewport: PHONE });
  try {
    const form = page.getByRole("form", { name: "Enter a transaction" });
    await page.locator(`${'table[data-table="accounts"]'} tbody tr`, { hasText: account }).waitFor();
    const before = await api<{ balance: number }>(session.urls, `api/bank/accounts/${account}`);
    await form.getByLabel("Account").selectOption(account);
    await form.getByLabel("Type").selectOption("withdrawal");
    await form.getByLabel("Amount").fill("1,000,000.00");
    await form.getByRole("button", { name: "Send" }).click();
    await page.locator("[data-tx-result]", { hasText: "Rejected (insufficient-funds)" }).waitFor();
    const after = await api<{ balance: number }>(session.urls, `api/bank/accounts/${account}`);
    expect(after.balance).toBe(before.balance);
    expect(errors).toEqual([]);
  } finally {
    await close();
  }
});

test("an amount the bank refuses is stopped in the page, and the API refuses it too", async () => {
  const { page, errors, close } = await session.open(`#/transactions?account=${account}`);
  try {
    const posts: string[] = [];
    page.on("request", (r) => {
      if (r.method() === "POST") posts.push(r.url());
    });
    const form = page.getByRole("form", { name: "Enter a transaction" });
    await page.locator('table[data-table="accounts"] tbody tr', { hasText: account }).waitFor();
    await form.getByLabel("Account").selectOption(account);
    await form.getByLabel("Amount").fill("12.345");
    await form.getByRole("button", { name: "Send" }).click();
    await form.getByText('"12.345" has a fraction of a cent').waitFor();
    expect(posts).toEqual([]);
    expect(errors).toEqual([]);
  } finally {
    await close();
  }
  const res = await fetch(new URL("api/bank/transactions", session.urls.pathUrl), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ account, amount: "12.345", type: "deposit" }),
  });
  expect(res.status).toBe(400);
  expect(await res.json()).toEqual({
    error: {
      code: "invalid-request",
      message: 'invalid body: amount: malformed-amount: "12.345" has a fraction of a cent',
      details: [{ where: "body", field: "amount", message: 'malformed-amount: "12.345" has a fraction of a cent' }],
    },
  });
});

test("a transaction entered elsewhere (the CLI's live entry) shows up within seconds, without a reload", async () => {
  const { page, errors, close } = await session.open("#/transactions");
  try {
    const row = page.locator('table[data-table="accounts"] tbody tr', { hasText: account });
    await row.waitFor();
    await page.evaluate("window.sluiceTestMarker = 'same document'");
    const target = bankTarget(await stackOutputs(cfg, cfg.stackPrefix));
    const live = await enterTransaction(
      cfg,
      target,
      { account, amount: "0.25", type: "deposit" },
      { timeoutMs: 60_000 },
    );
    expect(live.kind).toBe("applied");
    const want = displayCents(live.kind === "applied" && "balance" in live ? (live.balance ?? -1) : -1);
    await row.getByText(want, { exact: true }).waitFor();
    expect(await page.evaluate("window.sluiceTestMarker")).toBe("same document");
    expect(errors).toEqual([]);
  } finally {
    await close();
  }
});
