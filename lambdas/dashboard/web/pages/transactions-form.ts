/**
 * The form that enters a transaction: checked here with the bank's own amount rule (`#bank/money`) before it is
 * sent, checked again by the API, then followed by its id until the transactions stage records the outcome —
 * applied (with the new balance) or rejected (with the stage's reason).
 */
import { parseAmount } from "#bank/money";
import type { OutcomeView, SentTransaction } from "../../contract";
import { ApiError, getJson, postJson } from "../api";
import { h, replace } from "../dom";
import { displayCents, errorText } from "../format";

/** How often, and how long, the form asks for the outcome. */
const POLL_MS = 500;
const GIVE_UP_MS = 60_000;

export interface TransactionForm {
  readonly element: HTMLElement;
  /** The accounts the form offers, and the one to preselect. */
  setAccounts(accounts: readonly string[], selected?: string): void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function transactionForm(options: {
  /** Reads an account's balance after an applied transaction. */
  readonly balanceOf: (account: string) => Promise<number>;
  /** Called once an outcome is known (the page refreshes). */
  readonly onOutcome: () => void;
}): TransactionForm {
  const account = h("select", { name: "account", required: true, "aria-describedby": "tx-account-error" });
  const type = h(
    "select",
    { name: "type", required: true },
    h("option", { value: "deposit" }, "Deposit"),
    h("option", { value: "withdrawal" }, "Withdrawal"),
  );
  const amount = h("input", {
    name: "amount",
    inputmode: "decimal",
    autocomplete: "off",
    placeholder: "12.50",
    required: true,
    "aria-describedby": "tx-amount-error",
  });
  const amountError = h("span", { id: "tx-amount-error", class: "field-error", "aria-live": "polite" });
  const accountError = h("span", { id: "tx-account-error", class: "field-error", "aria-live": "polite" });
  const submit = h("button", { type: "submit" }, "Send");
  const result = h("p", { class: "tx-result", role: "status", "aria-live": "polite", "data-tx-result": "" });
  const form = h(
    "form",
    { class: "entry", novalidate: true, "aria-label": "Enter a transaction" },
    h("label", {}, "Account", account, accountError),
    h("label", {}, "Type", type),
    h("label", {}, "Amount", amount, amountError),
    submit,
  );

  const check = (): boolean => {
    const parsed = parseAmount(amount.value);
    amountError.textContent = parsed.ok ? "" : parsed.detail;
    amount.setAttribute("aria-invalid", String(!parsed.ok));
    accountError.textContent = account.value === "" ? "choose an account" : "";
    return parsed.ok && account.value !== "";
  };
  amount.addEventListener("input", () => {
    if (amountError.textContent !== "") check();
  });

  const follow = async (sent: SentTransaction, who: string): Promise<void> => {
    const deadline = Date.now() + GIVE_UP_MS;
    while (Date.now() < deadline) {
      const outcome = await getJson<OutcomeView>(`api/bank/transactions/${encodeURIComponent(sent.transactionId)}`);
      if (outcome.status === "applied") {
        const balance = await options.balanceOf(who);
        result.className = "tx-result outcome-applied";
        replace(result, `Applied: the balance of ${who} is now ${displayCents(balance)}.`);
        return;
      }
      if (outcome.status === "rejected") {
        result.className = "tx-result outcome-rejected";
        replace(result, `Rejected (${outcome.reason ?? "no reason"}): ${outcome.detail ?? ""}`.trim());
        return;
      }
      await sleep(POLL_MS);
    }
    result.className = "tx-result outcome-rejected";
    replace(
      result,
      `No outcome after ${GIVE_UP_MS / 1000} s for ${sent.transactionId}: is the transactions stage running?`,
    );
  };

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!check()) return;
    const who = account.value;
    submit.disabled = true;
    result.className = "tx-result";
    replace(result, "Sending…");
    void (async () => {
      try {
        const sent = await postJson<SentTransaction>("api/bank/transactions", {
          account: who,
          type: type.value,
          amount: amount.value,
        });
        replace(result, `Sent as ${sent.transactionId}; waiting for the outcome…`);
        await follow(sent, who);
        amount.value = "";
        options.onOutcome();
      } catch (error) {
        result.className = "tx-result outcome-rejected";
        replace(
          result,
          error instanceof ApiError ? `Refused: ${error.message}` : `Could not send: ${errorText(error)}`,
        );
      } finally {
        submit.disabled = false;
      }
    })();
  });

  return {
    element: h("div", {}, form, result),
    setAccounts(accounts, selected) {
      const keep = account.value !== "" ? account.value : selected;
      replace(
        account,
        h("option", { value: "" }, "Choose…"),
        ...accounts.map((a) => h("option", { value: a, selected: a === keep }, a)),
      );
    },
  };
}
