/**
 * The bundled bank sample: a year of everyday banking for 50 accounts (salaries, rent, groceries, fuel,
 * transfers…), about 3,000 rows in the seed's columns, generated from a seed so every run has the same
 * file. Like a bank's own export, each row carries the balance after it; a row the bank refused leaves the
 * balance as it was. Bad rows are written on purpose, each declared with the reason it must be refused
 * for, and the balances every account must end at are declared by the file's author (this generator's own
 * book-keeping as it writes the rows), never by running the pipeline's rules.
 */
import type { RejectionReason } from "#bank/contracts";
import { Rng } from "../../../sample-web/prng";
import { CSV_COLUMNS } from "./csv";

/** Why a row of the sample is bad: the pipeline's reason, or `unreadable-row` for a row the CSV reader leaves out. */
export type DeclaredProblem = RejectionReason | "unreadable-row";

export interface BankSample {
  /** The CSV text, header first. */
  readonly csv: string;
  /** Data rows (the header excluded), bad ones included. */
  readonly rows: number;
  /** Every account the file opens and the balance, in cents, it must end at. */
  readonly balances: Readonly<Record<string, number>>;
  /** Each bad row's line (1 is the header) and why it must be refused. */
  readonly badRows: Readonly<Record<number, DeclaredProblem>>;
  /** Rows that must be applied. */
  readonly applied: number;
}

interface Row {
  readonly day: number;
  readonly minute: number;
  readonly account: string;
  readonly value: string;
  readonly balance: number;
  readonly type: string;
  readonly problem?: DeclaredProblem;
  /** A row cut short: only its date, account and value are written. */
  readonly short?: boolean;
}

const START = Date.UTC(2025, 0, 1);
const DAYS = 365;

/**
 * The sample: 50 accounts by default; `seed` picks another, equally valid year, and `prefix` other account
 * names (`ACC-10001`… by default), so a benchmark can load fresh accounts beside the sample's.
 */
export function bankSample(options: { seed?: string; accounts?: number; prefix?: string } = {}): BankSample {
  const rng = new Rng("sluice-bank-sample", options.seed ?? "1");
  const count = options.accounts ?? 50;
  const rows: Row[] = [];
  const balances: Record<string, number> = {};
  for (let i = 0; i < count; i++) {
    const account = `${options.prefix ?? "ACC"}-${10001 + i}`;
    const { rows: own, balance } = accountYear(rng.fork(account), account);
    rows.push(...own);
    balances[account] = balance;
  }
  rows.push(...badAccountRows(rng.fork("bad accounts")));
  // One file in date order, as an export is; an account's rows keep their order (stable sort).
  rows.sort((a, b) => a.day - b.day || a.minute - b.minute);

  const lines = [CSV_COLUMNS.join(",")];
  const badRows: Record<number, DeclaredProblem> = {};
  for (const row of rows) {
    const date = new Date(START + row.day * 86_400_000).toISOString().slice(0, 10);
    const fields = [date, row.account, quote(row.value), money(row.balance), row.type];
    lines.push((row.short ? fields.slice(0, 3) : fields).join(","));
    if (row.problem !== undefined) badRows[lines.length] = row.problem;
  }
  return {
    csv: `${lines.join("\n")}\n`,
    rows: rows.length,
    balances,
    badRows,
    applied: rows.filter((r) => r.problem === undefined).length,
  };
}

/** One account's year: an opening deposit, then pay days, rent, spending, and a few bad rows. */
function accountYear(rng: Rng, account: string): { rows: Row[]; balance: number } {
  const rows: Omit<Row, "minute">[] = [];
  let balance = 0;
  let most = 0;
  const salary = rng.int(1_800_00, 6_500_00);
  const rent = rng.int(600_00, Math.min(2_200_00, Math.floor(salary * 0.45)));
  const payDay = rng.int(1, 28);
  const spendRate = rng.range(0.06, 0.12);
  const row = (day: number, type: string, cents: number): void => {
    balance += type === "withdrawal" ? -cents : cents;
    most = Math.max(most, balance);
    rows.push({ day, account, value: amountText(rng, cents), balance, type });
  };
  /** A withdrawal only when the account covers it: the ones it cannot are the declared overdrafts below. */
  const spend = (day: number, cents: number): void => {
    if (cents <= balance) row(day, "withdrawal", cents);
  };

  const opened = rng.int(0, 20);
  row(opened, "deposit", rng.int(200_00, 3_000_00));
  for (let day = opened + 1; day < DAYS; day++) {
    const date = new Date(START + day * 86_400_000);
    if (date.getUTCDate() === payDay) row(day, "deposit", salary + rng.int(-50_00, 50_00));
    if (date.getUTCDate() === 1) spend(day, rent);
    if (rng.chance(spendRate)) spend(day, groceryOrShop(rng));
    if (rng.chance(0.02)) row(day, "deposit", rng.int(20_00, 1_200_00)); // a transfer in, a refund
  }

  // Bad rows, each with its declared reason, placed after the day's good rows; the balance stays as it was.
  const bad: Array<Omit<Row, "minute" | "balance">> = [];
  for (let i = rng.int(0, 2); i > 0; i--) {
    const [type, value, problem] = rng.pick(BAD_ROWS);
    bad.push({ day: rng.int(opened + 1, DAYS - 1), account, value, type, problem });
  }
  // An overdraft: more than the account holds at any time of the year.
  if (rng.chance(0.25)) {
    const value = amountText(rng, most + rng.int(1_00, 5_000_00));
    bad.push({
      day: rng.int(opened + 30, DAYS - 1),
      account,
      value,
      type: "withdrawal",
      problem: "insufficient-funds",
    });
  }
  for (const b of bad) {
    const at = rows.findLastIndex((r) => r.day <= b.day);
    rows.splice(at + 1, 0, { ...b, balance: rows[at]?.balance ?? 0 });
  }
  return { rows: withMinutes(rng, rows), balance };
}

/** Times of day that keep the rows' order within each day. */
function withMinutes(rng: Rng, rows: Omit<Row, "minute">[]): Row[] {
  const out: Row[] = [];
  for (let i = 0; i < rows.length; ) {
    let j = i;
    while (j < rows.length && rows[j]?.day === rows[i]?.day) j++;
    const minutes = Array.from({ length: j - i }, () => rng.int(0, 1439)).sort((a, b) => a - b);
    for (let k = i; k < j; k++) out.push({ ...(rows[k] as Omit<Row, "minute">), minute: minutes[k - i] ?? 0 });
    i = j;
  }
  return out;
}

/** Amounts as people and exports write them: mostly 12.50, sometimes 12.5, 12 or 1,234.56. */
function amountText(rng: Rng, cents: number): string {
  const units = Math.trunc(cents / 100);
  const fraction = cents % 100;
  if (units >= 1000 && rng.chance(0.5)) {
    return `${units.toLocaleString("en-US")}.${String(fraction).padStart(2, "0")}`;
  }
  if (fraction === 0 && rng.chance(0.5)) return String(units);
  if (fraction % 10 === 0 && rng.chance(0.5)) return `${units}.${fraction / 10}`;
  return `${units}.${String(fraction).padStart(2, "0")}`;
}

function groceryOrShop(rng: Rng): number {
  return rng.pick([
    () => rng.int(3_50, 6_80), // coffee
    () => rng.int(25_00, 180_00), // groceries
    () => rng.int(40_00, 95_00), // fuel
    () => rng.int(9_99, 19_99), // a subscription
    () => rng.int(60_00, 450_00), // a night out, clothes
  ])();
}

/** Rows a person or an export gets wrong, with the reason each must be refused for. */
const BAD_ROWS: ReadonlyArray<readonly [type: string, value: string, problem: DeclaredProblem]> = [
  ["deposit", "12.345", "malformed-amount"],
  ["withdrawal", "abc", "malformed-amount"],
  ["deposit", "1e3", "malformed-amount"],
  ["withdrawal", "12,50", "malformed-amount"],
  ["deposit", "$40.00", "malformed-amount"],
  ["withdrawal", "", "malformed-amount"],
  ["deposit", "0", "non-positive-amount"],
  ["withdrawal", "0.00", "non-positive-amount"],
  ["withdrawal", "-5", "non-positive-amount"],
  ["deposit", "-120.00", "non-positive-amount"],
  ["transfer", "50.00", "unknown-type"],
  ["refund", "12.99", "unknown-type"],
  ["withdraw", "20.00", "unknown-type"],
  ["", "35.00", "unknown-type"],
];

/** Rows whose account cannot be an account id, and a row cut short. */
function badAccountRows(rng: Rng): Row[] {
  const day = () => rng.int(30, DAYS - 1);
  const row = (account: string, type: string, value: string): Row => ({
    day: day(),
    minute: rng.int(0, 1439),
    account,
    value,
    balance: 0,
    type,
    problem: "unknown-account",
  });
  const short: Row = { ...row("ACC-10003", "deposit", "45.00"), problem: "unreadable-row", short: true };
  return [
    row("ACC 10007", "deposit", "100.00"),
    row("ACC-10012#", "withdrawal", "10.00"),
    row("?", "deposit", "5.00"),
    short,
  ];
}

function money(cents: number): string {
  return `${Math.trunc(cents / 100)}.${String(cents % 100).padStart(2, "0")}`;
}

function quote(value: string): string {
  return /[",\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}
