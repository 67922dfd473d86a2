import {
  fetchSparql,
  parseCelebrityCsv,
  parseCelebrityJson,
  parseSparqlResults,
  SEED_USER_AGENT,
  type SeedError,
  sparqlQuery,
  WIKIDATA_SPARQL_ENDPOINT,
} from "#local/jobs/faces/people";
import { startServer } from "../../../lambdas/shared/net/http-server";

const term = (value: string, extra: Record<string, string> = {}) => ({ type: "literal", value, ...extra });
const uri = (id: string) => ({ type: "uri", value: `http://www.wikidata.org/entity/${id}` });

describe("sparqlQuery", () => {
  test("selects people, labels and |-joined occupations, limited and ordered by sitelinks", () => {
    const query = sparqlQuery(250);
    expect(query).toContain("SELECT ?person ?personLabel");
    expect(query).toContain('(GROUP_CONCAT(DISTINCT ?occupationLabel; separator="|") AS ?occupations)');
    expect(query).toContain("?person wdt:P31 wd:Q5");
    expect(query).toContain("?person wdt:P18");
    expect(query).toContain("?person wdt:P106 ?occupation");
    expect(query).toContain("wikibase:sitelinks ?sitelinks");
    expect(query).toMatch(/LIMIT 250\n/);
    expect(query).toMatch(/ORDER BY DESC\(\?sitelinks\) \?person\s*$/);
    expect(query).toContain("GROUP BY ?person ?personLabel ?sitelinks");
    expect(query).toContain("FILTER(?sitelinks >= 50)");
    expect(sparqlQuery(10, { minSitelinks: 5 })).toContain("FILTER(?sitelinks >= 5)");
  });

  test("braces balance (a cheap syntax check)", () => {
    const query = sparqlQuery(1);
    expect(query.split("{").length).toBe(query.split("}").length);
  });

  test.each([0, -1, 1.5, Number.NaN])("limit %p is refused", (limit) => {
    expect(() => sparqlQuery(limit)).toThrow(RangeError);
  });
});

describe("parseSparqlResults", () => {
  const results = {
    head: { vars: ["person", "personLabel", "occupations"] },
    results: {
      bindings: [
        {
          person: uri("Q42"),
          personLabel: term("Douglas Adams", { "xml:lang": "en" }),
          occupations: term("novelist|screenwriter"),
        },
        {
          person: uri("Q1339"),
          personLabel: term("Johann Sebastian Bach", { "xml:lang": "en" }),
          occupations: term(""),
        },
        { person: uri("Q99999999"), personLabel: term("Q99999999"), occupations: term("painter") },
        { person: { type: "uri", value: "http://www.wikidata.org/entity/P18" }, personLabel: term("image") },
        { person: uri("Q42"), personLabel: term("Douglas Adams"), occupations: term("novelist") },
        {
          person: uri("Q7186"),
          personLabel: term("Marie Curie", { "xml:lang": "mul" }),
          occupations: term("physicist| chemist |physicist"),
        },
      ],
    },
  };

  test("people in result order, occupations split; bad rows and repeats reported, not returned", () => {
    const errors: SeedError[] = [];
    const people = parseSparqlResults(results, (e) => errors.push(e));
    expect(people).toEqual([
      { wikidataId: "Q42", name: "Douglas Adams", occupations: ["novelist", "screenwriter"] },
      { wikidataId: "Q1339", name: "Johann Sebastian Bach", occupations: [] },
      { wikidataId: "Q7186", name: "Marie Curie", occupations: ["physicist", "chemist"] },
    ]);
    expect(errors).toEqual([
      { where: "results.bindings[2]", message: "Q99999999 has no English (or mul) label" },
      { where: "results.bindings[3]", message: expect.stringContaining("not a Wikidata item URI") },
      { where: "results.bindings[4]", message: "duplicate of Q42 (first at results.bindings[0]); dropped" },
    ]);
  });

  test("without an error callback the good rows still come back", () => {
    expect(parseSparqlResults(results)).toHaveLength(3);
  });

  test("more than 50 occupations are cut to 50 rather than losing the person", () => {
    const many = Array.from({ length: 60 }, (_, i) => `job ${i}`).join("|");
    const [person] = parseSparqlResults({
      head: { vars: [] },
      results: { bindings: [{ person: uri("Q1"), personLabel: term("Someone"), occupations: term(many) }] },
    });
    expect(person?.occupations).toHaveLength(50);
  });

  test("something that is not SPARQL JSON is an error", () => {
    expect(() => parseSparqlResults({ boolean: true })).toThrow(/not SPARQL JSON results/);
    expect(() => parseSparqlResults("<html>")).toThrow();
  });
});

describe("parseCelebrityCsv", () => {
  test("the documented header, quoted fields, BOM and blank lines", () => {
    const csv = `\uFEFFwikidataId,name,occupations
Q42,Douglas Adams,novelist|screenwriter

Q1339,"Bach, Johann Sebastian",composer
"Q7186","Marie ""Madame"" Curie",physicist | chemist
Q1001,Mahatma Gandhi,
`;
    expect(parseCelebrityCsv(csv)).toEqual({
      people: [
        { wikidataId: "Q42", name: "Douglas Adams", occupations: ["novelist", "screenwriter"] },
        { wikidataId: "Q1339", name: "Bach, Johann Sebastian", occupations: ["composer"] },
        { wikidataId: "Q7186", name: 'Marie "Madame" Curie', occupations: ["physicist", "chemist"] },
        { wikidataId: "Q1001", name: "Mahatma Gandhi", occupations: [] },
      ],
      errors: [],
    });
  });

  test.each(["id", "qid", "QID", "Wikidata_ID"])("the id column may be called %s, columns in any order", (column) => {
    const { people, errors } = parseCelebrityCsv(`name,${column}\nDouglas Adams,Q42\n`);
    expect(errors).toEqual([]);
    expect(people).toEqual([{ wikidataId: "Q42", name: "Douglas Adams", occupations: [] }]);
  });

  test("bad rows are reported by line with the schema's message; duplicates reported and dropped", () => {
    const csv = [
      "qid,name,occupations",
      "Q42,Douglas Adams,novelist",
      "42,No Q,writer",
      "Q5,,nothing",
      "Q937,Albert Einstein,physicist,extra",
      "Q42,Douglas Adams again,novelist",
      "http://www.wikidata.org/entity/Q7251,Alan Turing,mathematician",
      "Q255",
    ].join("\n");
    const { people, errors } = parseCelebrityCsv(csv);
    expect(people.map((p) => p.wikidataId)).toEqual(["Q42", "Q7251"]);
    expect(errors).toEqual([
      { where: "line 3", message: expect.stringContaining("wikidataId: expected a Wikidata item id such as Q42") },
      { where: "line 4", message: expect.stringMatching(/^name: /) },
      { where: "line 5", message: "4 fields, but the header has 3" },
      { where: "line 6", message: "duplicate of Q42 (first at line 2); dropped" },
      { where: "line 8", message: expect.stringMatching(/^name: /) },
    ]);
  });

  test("a header without the needed columns is one error and no people", () => {
    expect(parseCelebrityCsv("person,label\nQ42,Douglas Adams\n")).toEqual({
      people: [],
      errors: [{ where: "line 1 (header)", message: "missing column: wikidataId (or id, qid), name" }],
    });
  });

  test("broken quoting is reported where it happens", () => {
    const { people, errors } = parseCelebrityCsv('wikidataId,name\nQ42,Douglas Adams\nQ1,"unterminated\n');
    expect(people.map((p) => p.wikidataId)).toEqual(["Q42"]);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toMatch(/quote/i);
  });

  test("an empty file is an empty list", () => {
    expect(parseCelebrityCsv("")).toEqual({ people: [], errors: [] });
  });
});

describe("parseCelebrityJson", () => {
  test("an array of people, with id aliases and occupations as an array or a |-string", () => {
    const json = JSON.stringify([
      { wikidataId: "Q42", name: "Douglas Adams", occupations: ["novelist"] },
      { id: "Q1339", name: "Johann Sebastian Bach" },
      { qid: "Q7186", name: "Marie Curie", occupations: "physicist|chemist" },
    ]);
    expect(parseCelebrityJson(json)).toEqual({
      people: [
        { wikidataId: "Q42", name: "Douglas Adams", occupations: ["novelist"] },
        { wikidataId: "Q1339", name: "Johann Sebastian Bach", occupations: [] },
        { wikidataId: "Q7186", name: "Marie Curie", occupations: ["physicist", "chemist"] },
      ],
      errors: [],
    });
  });

  test("{ people: [...] }, bad entries reported by index with the schema's message", () => {
    const json = JSON.stringify({
      people: [
        { wikidataId: "Q42", name: "Douglas Adams" },
        { wikidataId: "Q42", name: "Douglas Adams" },
        "Q1",
        { wikidataId: "Q2", name: "" },
        { wikidataId: "Q3", name: "Someone", nickname: "S" },
        { wikidataId: "Q4", name: "Other", occupations: [42] },
      ],
    });
    const { people, errors } = parseCelebrityJson(json);
    expect(people).toEqual([{ wikidataId: "Q42", name: "Douglas Adams", occupations: [] }]);
    expect(errors).toEqual([
      { where: "people[1]", message: "duplicate of Q42 (first at people[0]); dropped" },
      { where: "people[2]", message: 'expected an object, got "Q1"' },
      { where: "people[3]", message: expect.stringMatching(/^name: /) },
      { where: "people[4]", message: expect.stringContaining("nickname") },
      { where: "people[5]", message: expect.stringMatching(/^occupations\.0: /) },
    ]);
  });

  test.each([
    ["not JSON", "{nope", /^not JSON: /],
    ["an object without people", '{"persons":[]}', /expected an array of people/],
    ["a number", "42", /expected an array of people/],
  ])("%s is a document error", (_label, text, message) => {
    const result = parseCelebrityJson(text);
    expect(result.people).toEqual([]);
    expect(result.errors).toEqual([{ where: "document", message: expect.stringMatching(message) }]);
  });
});

describe("fetchSparql", () => {
  test("GET with the query, JSON format, SPARQL accept header and a descriptive user agent, over real HTTP", async () => {
    const body = { head: { vars: ["person"] }, results: { bindings: [] } };
    const server = await startServer((_req, res) =>
      res.writeHead(200, { "content-type": "application/sparql-results+json" }).end(JSON.stringify(body)),
    );
    try {
      const query = sparqlQuery(3);
      expect(await fetchSparql(server.url("/sparql"), query)).toEqual(body);
      const request = server.requests[0];
      expect(request?.method).toBe("GET");
      const url = new URL(request?.url ?? "", "http://x");
      expect(url.pathname).toBe("/sparql");
      expect(url.searchParams.get("query")).toBe(query);
      expect(url.searchParams.get("format")).toBe("json");
      expect(request?.headers.accept).toBe("application/sparql-results+json");
      expect(request?.headers["user-agent"]).toBe(SEED_USER_AGENT);
      expect(SEED_USER_AGENT).toMatch(/^sluice-seed\/\S+ \(https?:\/\/\S+; .+\)/);
    } finally {
      await server.close();
    }
  });

  test("an HTTP error carries the status and the start of the body", async () => {
    const fake = jest.fn(async () => new Response("java.util.concurrent.TimeoutException", { status: 500 }));
    await expect(fetchSparql(WIKIDATA_SPARQL_ENDPOINT, "SELECT * {}", fake)).rejects.toThrow(
      /HTTP 500: java.util.concurrent.TimeoutException/,
    );
    const [url] = fake.mock.calls[0] as unknown as [URL];
    expect(String(url)).toMatch(/^https:\/\/query\.wikidata\.org\/sparql\?query=SELECT\+\*\+%7B%7D&format=json$/);
  });

  test("a body that is not JSON is an error keeping the cause", async () => {
    const fake = async () => new Response("<html>", { status: 200 });
    const error = await fetchSparql(WIKIDATA_SPARQL_ENDPOINT, "q", fake).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/did not return JSON/);
    // (Response.json's SyntaxError comes from another realm than jest's, so compare by name.)
    expect((error as Error).cause).toMatchObject({ name: "SyntaxError" });
  });
});
