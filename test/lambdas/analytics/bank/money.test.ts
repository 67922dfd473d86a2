import { displayCents, formatCents, MAX_AMOUNT_CENTS, parseAmount } from "#bank/money";

describe("parseAmount", () => {
  test.each([
    ["12.50", 1250],
    ["12.5", 1250],
    ["12", 1200],
    ["0.01", 1],
    ["0.1", 10],
    ["1,234.56", 123456],
    ["12,345,678.90", 1234567890],
    [" 7.25 ", 725],
    ["999", 99900],
    ["1000000000.00", MAX_AMOUNT_CENTS],
    // 0.1 + 0.2 in floats is 0.30000000000000004: no float ever holds an amount here.
    ["0.29", 29],
    ["4.35", 435],
    ["1.15", 115],
  ])("%j is %i cents", (text, cents) => {
    expect(parseAmount(text)).toEqual({ ok: true, cents });
  });

  test.each([
    ["12.345", /fraction of a cent/],
    ["1,234.567", /fraction of a cent/],
    ["abc", /not an amount/],
    ["1e3", /not an amount/],
    ["12,50", /not an amount/],
    ["1,23", /not an amount/],
    ["1234,567.00", /not an amount/],
    ["$12.50", /not an amount/],
    ["+5", /not an amount/],
    [".5", /not an amount/],
    ["5.", /not an amount/],
    ["007", /not an amount/],
    ["12 50", /not an amount/],
    ["NaN", /not an amount/],
    ["Infinity", /not an amount/],
    ["0x10", /not an amount/],
    ["", /no amount/],
    ["   ", /no amount/],
    ["1000000000.01", /most one transaction may move/],
    ["99999999999999999999999", /most one transaction may move/],
  ])("%j is malformed", (text, detail) => {
    const parsed = parseAmount(text);
    expect(parsed).toMatchObject({ ok: false, reason: "malformed-amount" });
    if (!parsed.ok) expect(parsed.detail).toMatch(detail);
  });

  test.each(["0", "0.00", "0.0", "-5", "-12.50", "-0", "-1,000.00"])("%j is not positive", (text) => {
    expect(parseAmount(text)).toMatchObject({ ok: false, reason: "non-positive-amount" });
  });
});

describe("formatting cents", () => {
  test.each([
    [0, "0.00", "0.00"],
    [5, "0.05", "0.05"],
    [1250, "12.50", "12.50"],
    [123456, "1234.56", "1,234.56"],
    [100000000000, "1000000000.00", "1,000,000,000.00"],
    [-1999, "-19.99", "-19.99"],
  ])("%i cents is %s (%s for people)", (cents, plain, display) => {
    expect(formatCents(cents)).toBe(plain);
    expect(displayCents(cents)).toBe(display);
  });

  test("a fraction of a cent is a bug, not a value", () => {
    expect(() => formatCents(12.5)).toThrow(RangeError);
  });

  test.each(["0.01", "12.5", "1,234.56", "999999.99"])("%j survives a round trip", (text) => {
    const parsed = parseAmount(text);
    expect(parsed.ok && parseAmount(formatCents(parsed.cents))).toEqual(parsed);
  });
});
