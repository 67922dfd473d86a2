/**
 * Runs the offline sample web until interrupted:
 *
 *   tsx localstack/sample-web/main.ts [--port 4580] [--host 127.0.0.1] [--scale 1] [--seed 1]
 *                                     [--manifest out.json] [--verbose] [--help]
 */
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import type { ExpectedCounts } from "./manifest";
import { DEFAULT_SAMPLE_PORT, SAMPLE_TMDB_KEY, startSampleWeb } from "./server";

const USAGE = `Usage: tsx localstack/sample-web/main.ts [options]

Serves the offline sample web (Wikidata SPARQL + API, Commons files, TMDB API + images, web pages,
and the bad cases) for the sluice pipeline, and says what the pipeline must make of it.

Options:
  --port <n>         port to listen on (default ${DEFAULT_SAMPLE_PORT}; 0 picks a free one)
  --host <addr>      address to listen on (default 127.0.0.1)
  --scale <n>        n × 50 people (default 1)
  --seed <n>         random seed (default 1); the same seed and scale give the same bytes
  --manifest <file>  write the manifest (expected outcome of every candidate) as JSON
  --verbose          log every request
  --help             show this help
`;

function positiveInt(name: string, raw: string | undefined, fallback: number, min = 1): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min)
    throw new Error(`--${name} must be an integer ≥ ${min}, got ${JSON.stringify(raw)}`);
  return value;
}

export function formatCounts(counts: ExpectedCounts): string {
  const reasons = (record: Record<string, number>) =>
    Object.entries(record)
      .filter(([, n]) => n > 0)
      .map(([reason, n]) => `${reason} ${n}`)
      .join(", ");
  return [
    `people      ${counts.people}`,
    `candidates  ${counts.candidates}`,
    `verified    ${counts.verified}   rejected: ${reasons(counts.validateRejected)}`,
    `stored      ${counts.stored}   rejected: ${reasons(counts.storeRejected)}`,
    `clean       ${counts.clean}   rejected: ${reasons(counts.cleanRejected)}`,
    `dataset     ${counts.datasetRows} rows`,
  ].join("\n");
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: "string" },
      host: { type: "string" },
      scale: { type: "string" },
      seed: { type: "string" },
      manifest: { type: "string" },
      verbose: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const started = Date.now();
  const web = await startSampleWeb({
    port: positiveInt("port", values.port, DEFAULT_SAMPLE_PORT, 0),
    host: values.host ?? "127.0.0.1",
    scale: positiveInt("scale", values.scale, 1),
    seed: positiveInt("seed", values.seed, 1, 0),
    ...(values.verbose ? { log: (line: string) => process.stdout.write(`${new Date().toISOString()} ${line}\n`) } : {}),
  });
  if (values.manifest !== undefined) writeFileSync(values.manifest, `${JSON.stringify(web.manifest, null, 2)}\n`);
  process.stdout.write(
    `sample web listening on ${web.url} (ready in ${Date.now() - started} ms)\n` +
      `  SPARQL   ${web.url}/wikidata/sparql\n` +
      `  TMDB     ${web.url}/tmdb/3 (Authorization: Bearer ${SAMPLE_TMDB_KEY})\n` +
      `  pages    ${web.url}/web/people/{wikidataId}\n` +
      (values.manifest === undefined ? "" : `  manifest ${values.manifest}\n`) +
      `expected:\n${formatCounts(web.manifest.expected).replace(/^/gm, "  ")}\n`,
  );
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`${signal}: stopping\n`);
    web.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
