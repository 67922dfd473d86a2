/**
 * Money is integer cents from the moment it is read: no float ever holds an amount or a balance, and
 * DynamoDB adds cents to cents. What an amount may look like, decided once here:
 *
 * | text            | cents      | why                                                                        |
 * |-----------------|------------|----------------------------------------------------------------------------|
 * | `12.50`, `12.5` | 1250       | one or two decimals                                                        |
 * | `12`            | 1200       | whole units                                                                |
 * | `1,234.56`      | 123456     | thousands separators, only when every group has three digits               |
 * | ` 12.50 `       | 1250       | surrounding blanks are ignored                                             |
 * | `12.345`        | malformed  | a fraction of a cent                                                       |
 * | `12,50`         | malformed  | a decimal comma is ambiguous with a thousands separator: refused           |
 * | `1e3`, `$5`     | malformed  | no exponents, currency signs, `+`, leading zeros (`007`), `.5` or `5.`     |
 * | `0`, `0.00`     | non-positive                                                                            |
 * | `-5`            | non-positive (a well-formed negative number: the sign is the type's job)                |
 * | > 1,000,000,000.00 | malformed | beyond what one transaction may move (and far inside 2^53 cents)        |
 */

export const MAX_AMOUNT_CENTS = 100_000_000_000;

export type AmountProblem = "malformed-amount" | "non-positive-amount";

export type ParsedAmount =
  | { readonly ok: true; readonly cents: number }
  | { readonly ok: false; readonly reason: AmountProblem; readonly detail: string };

const UNITS = String.raw`(?:0|[1-9]\d{0,2}(?:,\d{3})+|[1-9]\d*)`;
const AMOUNT = new RegExp(String.raw`^(-)?(${UNITS})(?:\.(\d{1,2}))?$`);

/** Parses an amount as entered or as written in a CSV; never returns a float. */
export function parseAmount(text: string): ParsedAmount {
  const trimmed = text.trim();
  const match = AMOUNT.exec(trimmed);
  if (match === null) {
    const detail =
      trimmed === ""
        ? "no amount"
        : /^-?\d[\d,]*\.\d{3,}$/.test(trimmed)
          ? `"${trimmed}" has a fraction of a cent`
          : `"${trimmed}" is not an amount like 12.50 or 1,234.56`;
    return { ok: false, reason: "malformed-amount", detail };
  }
  const [, minus, units = "0", fraction = ""] = match;
  const cents = Number(units.replaceAll(",", "")) * 100 + Number(fraction.padEnd(2, "0"));
  if (minus !== undefined || cents === 0) {
    return { ok: false, reason: "non-positive-amount", detail: `"${trimmed}" is not more than zero` };
  }
  if (cents > MAX_AMOUNT_CENTS) {
    return {
      ok: false,
      reason: "malformed-amount",
      detail: `"${trimmed}" is more than ${formatCents(MAX_AMOUNT_CENTS)}, the most one transaction may move`,
    };
  }
  return { ok: true, cents };
}

/** `123456` → `1234.56`; negative balances never exist, but the sign is kept if one is given. */
export function formatCents(cents: number): string {
  if (!Number.isSafeInteger(cents)) throw new RangeError(`${cents} is not a whole number of cents`);
  const sign = cents < 0 ? "-" : "";
  const abs = Math.abs(cents);
  return `${sign}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}

/** The same with thousands separators, for people: `1,234.56`. */
export function displayCents(cents: number): string {
  const [units = "0", fraction] = formatCents(cents).split(".");
  return `${units.replace(/\B(?=(\d{3})+(?!\d))/g, ",")}.${fraction}`;
}

/** A balance as a bank export writes it: an amount that may be zero, never negative. */
export function parseBalance(text: string): number | undefined {
  const parsed = parseAmount(text);
  if (parsed.ok) return parsed.cents;
  return /^0(?:\.0{1,2})?$/.test(text.trim()) ? 0 : undefined;
}
