import { keywordMatcher } from "#tweets/keywords";

const match = keywordMatcher(["corona virus", "COVID-19", "pandemic"]);

describe("tracked keywords match case-insensitively on word boundaries", () => {
  test.each([
    ["COVID-19 cases rise", ["COVID-19"]],
    ["new covid-19 rules", ["COVID-19"]],
    ["#covid-19😷 stay home", ["COVID-19"]],
    ["(Covid-19)", ["COVID-19"]],
    ["ＣＯＶＩＤ－１９ in full width", ["COVID-19"]],
    ["the Corona Virus again", ["corona virus"]],
    ["corona\n  virus across a line", ["corona virus"]],
    ["The PANDEMIC's toll", ["pandemic"]],
    ["pandemic. covid-19! corona virus?", ["corona virus", "COVID-19", "pandemic"]],
    ["пандемия and pandemic", ["pandemic"]],
  ])("%j mentions %j", (text, keywords) => {
    expect(match(text)).toEqual(keywords);
  });

  test.each([
    ["covid-190 is not a thing"],
    ["covid-19s plural"],
    ["covid-19_uk"],
    ["xcovid-19"],
    ["pandemics everywhere"],
    ["pandemical"],
    ["coronavirus in one word"],
    ["corona-virus with a hyphen"],
    ["covid 19 without the hyphen"],
    [""],
  ])("%j mentions none", (text) => {
    expect(match(text)).toEqual([]);
  });

  test("a keyword counts once however often it appears, and a later boundary match is found", () => {
    expect(match("covid-190 then covid-19 and COVID-19")).toEqual(["COVID-19"]);
  });

  test("scripts without spaces match on Unicode word boundaries", () => {
    const cjk = keywordMatcher(["疫情", "コロナ"]);
    expect(cjk("新冠疫情爆发")).toEqual(["疫情"]);
    expect(cjk("新型コロナウイルスのパンデミック")).toEqual(["コロナ"]);
  });

  test("accented and non-Latin keywords", () => {
    const m = keywordMatcher(["épidémie", "коронавирус"]);
    expect(m("Une ÉPIDÉMIE, et le КОРОНАВИРУС.")).toEqual(["épidémie", "коронавирус"]);
    expect(m("epidemie sans accents")).toEqual([]);
  });
});
