/**
 * One sample web per test file (seed 1 on a free port), started before its tests and stopped after,
 * and the manifest's candidates looked up the way the tests need them.
 */
import type { ExpectedCandidate } from "#local/sample-web/manifest";
import { type SampleWeb, startSampleWeb } from "#local/sample-web/server";

export interface SampleWebFixture {
  readonly web: SampleWeb;
  /** Every candidate of the manifest, with its person. */
  all(): Array<ExpectedCandidate & { wikidataId: string }>;
  /** The first candidate of a case. */
  byCase(name: string): ExpectedCandidate;
}

/** Call at the top of a test file: registers the hooks that start and stop its sample web. */
export function sampleWebForThisFile(): SampleWebFixture {
  let started: SampleWeb | undefined;
  beforeAll(async () => {
    started = await startSampleWeb({ port: 0, seed: 1 });
  });
  afterAll(async () => {
    await started?.close();
  });
  const fixture: SampleWebFixture = {
    get web() {
      if (started === undefined) throw new Error("the sample web is not started yet (use it inside a test or hook)");
      return started;
    },
    all: () =>
      fixture.web.manifest.perPerson.flatMap((p) => p.candidates.map((c) => ({ ...c, wikidataId: p.wikidataId }))),
    byCase: (name) => {
      const found = fixture.all().find((c) => c.case === name);
      if (found === undefined) throw new Error(`no candidate of case ${name}`);
      return found;
    },
  };
  return fixture;
}
