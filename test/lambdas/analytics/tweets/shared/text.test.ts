import { cleanUserName, hashtagDisplay, hashtagKey, NO_NAME } from "#tweets/text";

describe("hashtagKey folds case, Unicode-aware", () => {
  test.each([
    ["Latin", ["COVID19", "Covid19", "covid19", "#CoViD19"], "covid19"],
    ["Latin with accents", ["Café", "CAFÉ", "café"], "café"],
    ["decomposed accents (NFKC composes them)", ["Cafe\u0301", "CAFE\u0301"], "café"],
    ["full-width Latin", ["ＣＯＶＩＤ１９", "＃Ｃｏｖｉｄ１９"], "covid19"],
    ["Cyrillic", ["Коронавирус", "КОРОНАВИРУС", "коронавирус"], "коронавирус"],
    ["Greek, final sigma", ["ΟΔΟΣ", "οδος"], "οδος"],
    ["Arabic (no case; presentation forms fold)", ["كورونا", "ﻛﻮﺭﻭﻧﺎ"], "كورونا"],
    ["Chinese", ["新冠肺炎"], "新冠肺炎"],
    ["Japanese half-width katakana", ["ｺﾛﾅ", "コロナ"], "コロナ"],
    ["Korean", ["코로나"], "코로나"],
    ["Turkish dotted capital I (root locale)", ["İstanbul"], "i\u0307stanbul"],
  ])("%s", (_script, spellings, key) => {
    for (const spelling of spellings) expect(hashtagKey(spelling)).toBe(key);
  });

  test.each([
    ["hiragana and katakana", "ころな", "コロナ"],
    ["accented and plain", "café", "cafe"],
    ["ß and ss", "straße", "strasse"],
    ["dotless ı and i", "kırmızı", "kirmizi"],
    ["digits that differ", "covid19", "covid190"],
  ])("keeps %s apart", (_what, a, b) => {
    expect(hashtagKey(a)).not.toBe(hashtagKey(b));
  });

  test("display forms lose a leading # (ASCII or full-width) and are NFC", () => {
    expect(hashtagDisplay("#Pandemic")).toBe("Pandemic");
    expect(hashtagDisplay("＃コロナ")).toBe("コロナ");
    expect(hashtagDisplay("Cafe\u0301")).toBe("Café");
  });
});

describe("cleanUserName removes emoji", () => {
  test.each([
    ["Ana 😷 Lopez", "Ana Lopez"],
    ["👩🏽‍💻 Dev Priya", "Dev Priya"],
    ["🇫🇷 Marie", "Marie"],
    ["Jürgen ❤️", "Jürgen"],
    ["Олег🔥", "Олег"],
    ["محمد ✨", "محمد"],
    ["山田太郎🌸", "山田太郎"],
    ["Team #️⃣1", "Team 1"],
    ["Ana 2", "Ana 2"],
    ["  spaced   out  ", "spaced out"],
    ["★ Star", "★ Star"],
  ])("%j → %j", (name, cleaned) => {
    expect(cleanUserName(name)).toBe(cleaned);
  });

  test.each([["😷"], ["🇫🇷🇩🇪"], ["👨‍👩‍👧‍👦 "], ["❤️‍🔥"], [""], ["   "], ["\u200d\ufe0f"]])(
    "%j has nothing left: No name",
    (name) => {
      expect(cleanUserName(name)).toBe(NO_NAME);
    },
  );
});
