import { decodeCursor, encodeCursor } from "#dashboard/server/cursor";

const own = (k: Record<string, string>) => k.pk === "ACCOUNT#A1" && k.sk?.startsWith("TX#") === true;

test("a cursor round-trips the key it was made from", () => {
  const key = { pk: "ACCOUNT#A1", sk: "TX#live-1" };
  const cursor = encodeCursor(key);
  expect(cursor).not.toBeNull();
  expect(decodeCursor(cursor ?? "", own)).toEqual(key);
  expect(encodeCursor(undefined)).toBeNull();
  expect(decodeCursor(undefined, own)).toBeUndefined();
});

test.each([
  ["not base64 JSON", "%%%"],
  ["another account's key", Buffer.from(JSON.stringify({ pk: "ACCOUNT#B2", sk: "TX#1" })).toString("base64url")],
  ["a key with a number", Buffer.from(JSON.stringify({ pk: "ACCOUNT#A1", sk: 5 })).toString("base64url")],
  ["a list", Buffer.from("[]").toString("base64url")],
])("%s is a 400", (_what, cursor) => {
  expect(() => decodeCursor(cursor, own)).toThrow(expect.objectContaining({ status: 400, code: "invalid-request" }));
});
