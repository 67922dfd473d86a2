import { TransactionForm } from "#dashboard/routes/bank";

test.each([
  [{ account: "A1", amount: "12.50", type: "deposit" }, undefined],
  [{ account: "A1", amount: "1,234.56", type: "withdrawal" }, undefined],
  [{ account: "A1", amount: "12.345", type: "deposit" }, 'amount: malformed-amount: "12.345" has a fraction of a cent'],
  [{ account: "A1", amount: "0", type: "deposit" }, 'amount: non-positive-amount: "0" is not more than zero'],
  [{ account: "A 1", amount: "1", type: "deposit" }, "account: an account id: letters, digits, . _ -, at most 64"],
  [{ account: "A1", amount: "1", type: "refund" }, "type: deposit or withdrawal"],
  [{ account: "A1", amount: "1", type: "deposit", source: "bootstrap" }, 'Unrecognized key: "source"'],
])("the form %j is %s", (input, problem) => {
  const parsed = TransactionForm.safeParse(input);
  if (problem === undefined) {
    expect(parsed.success).toBe(true);
    return;
  }
  expect(parsed.success).toBe(false);
  const messages = parsed.error?.issues.map((i) =>
    i.path.length > 0 ? `${i.path.join(".")}: ${i.message}` : i.message,
  );
  expect(messages).toEqual([problem]);
});
