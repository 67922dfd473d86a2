/**
 * `npm run bench` (pipeline part): images per second and MB/s through the deployed face pipeline on the
 * sample web scaled up, and, in the same run, the raw rate of S3 PutObject + DynamoDB PutItem against the
 * same endpoint: the emulator's ceiling for the two writes every stored image needs. A measurement, not
 * a test: nothing here asserts.
 */
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { parseArgs } from "node:util";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { PutCommand } from "@aws-sdk/lib-dynamodb";
import { type LocalConfig, loadLocalConfig } from "#local/config";
import { runJob } from "#local/jobs/faces/job";
import { pipelineSummary } from "#local/jobs/faces/report";
import { readSampleManifest, startSampleWeb, stopSampleWeb } from "#local/sample-web/daemon";
import { BLOCK_SIZE } from "#local/sample-web/plan";
import { deploy, up } from "#local/stack";
import { awsClients, stackOutputs } from "#local/support/aws";
import { LIMITS } from "../lambdas/faces/shared/contracts";
import { SAMPLE_WEB_SITES } from "../lib/sources";
import { type CpuUse, cpuUse, formatCpuUse } from "./cpu-groups";
import { formatMachine, machine } from "./stats";

const HELP = `Usage: npm run bench -- --part pipeline [options]

  --scale N         sample web scale: N × 50 people (default 4); the pipeline runs the people it has not seen
  --puts N          raw S3 PutObject + DynamoDB PutItem pairs for the ceiling (default 400)
  --concurrency N   of the raw writes (default 8)
  --ab              instead of one run: the pipeline deployed with one site's politeness per host (${LIMITS.hostRequestsPerSecond} requests/s,
                    ${LIMITS.hostConcurrency} at once), then as deployed by default (the sample web's: ${SAMPLE_WEB_SITES} sites'), each on N × ${BLOCK_SIZE} people
                    it has not seen, with where the machine's CPU went; redeploys between them and at the end
  --out FILE        also write the results as JSON
`;

const log = (m: string): void => {
  process.stderr.write(`${m}\n`);
};

async function rawCeiling(puts: number, concurrency: number, objectBytes: number, bucket: string, table: string) {
  const cfg = loadLocalConfig();
  const { s3, documents: db } = awsClients(cfg);
  const body = randomBytes(objectBytes);
  const run = `bench-${Date.now().toString(36)}`;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < puts; i = next++) {
        await s3.send(
          new PutObjectCommand({ Bucket: bucket, Key: `bench/${run}/${i}`, Body: body, ContentType: "image/jpeg" }),
        );
        await db.send(
          new PutCommand({
            TableName: table,
            Item: {
              pk: `BENCH#${run}`,
              sk: `IMAGE#${i}`,
              type: "bench",
              bytes: objectBytes,
              at: new Date().toISOString(),
            },
            ConditionExpression: "attribute_not_exists(pk)",
          }),
        );
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return {
    pairs: puts,
    seconds,
    pairsPerSecond: puts / seconds,
    mbPerSecond: (puts * objectBytes) / 1024 / 1024 / seconds,
  };
}

export async function main(argv = process.argv.slice(2)): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      scale: { type: "string", default: "4" },
      puts: { type: "string", default: "400" },
      concurrency: { type: "string", default: "8" },
      ab: { type: "boolean" },
      out: { type: "string" },
      help: { type: "boolean" },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  const scale = Number(values.scale);
  const cfg = loadLocalConfig();
  await up(cfg, log);
  let outputs = await stackOutputs(cfg, cfg.stackPrefix);
  if (!outputs.MetadataTableName || !outputs.CleanFunctionName) outputs = (await deploy(cfg, log)).outputs;
  if (values.ab) {
    await pipelineAb(cfg, scale, values.out);
    return;
  }

  log(`restarting the sample web at scale ${scale}…`);
  await stopSampleWeb(cfg);
  await startSampleWeb(cfg, log, scale);
  try {
    const manifest = readSampleManifest(cfg);
    const before = await pipelineSummary(cfg, outputs);
    const meter = cpuUse();
    const job = await runJob(cfg, outputs, { from: "sample", limit: manifest.people.length, log, interactive: false });
    const cpu = meter();
    const after = job.summary;
    const stored = after.stored - before.stored;
    const clean = after.clean - before.clean;
    const downloadedBytes = after.images.bytes - before.images.bytes;
    const pipeline = {
      people: manifest.people.length,
      newImagesStored: stored,
      newImagesClean: clean,
      seconds: job.seconds,
      imagesPerSecond: stored / job.seconds,
      mbPerSecond: downloadedBytes / 1024 / 1024 / job.seconds,
      cpu,
    };
    const typical =
      stored > 0 ? Math.round(downloadedBytes / Math.max(1, after.images.objects - before.images.objects)) : 30_000;
    log(`raw ceiling: ${values.puts} PutObject (${typical} B) + PutItem pairs, concurrency ${values.concurrency}…`);
    const raw = await rawCeiling(
      Number(values.puts),
      Number(values.concurrency),
      typical,
      outputs.ImagesBucketName ?? "",
      outputs.MetadataTableName ?? "",
    );
    const results = {
      at: new Date().toISOString(),
      machine: { cpus: cpus().length, loadavg: loadavg() },
      pipeline,
      raw,
      ratio: pipeline.imagesPerSecond / raw.pairsPerSecond,
    };
    const f = (n: number, d = 1) => n.toFixed(d);
    process.stdout.write(
      [
        "",
        "pipeline (validate + store + clean, on the sample web)",
        `  ${pipeline.people} people; ${stored} new images stored, ${clean} clean, in ${f(pipeline.seconds)} s (scrape included)`,
        `  ${f(pipeline.imagesPerSecond)} images/s, ${f(pipeline.mbPerSecond, 2)} MB/s downloaded and stored`,
        `  ${formatCpuUse(cpu)}`,
        "raw emulator ceiling (S3 PutObject + DynamoDB PutItem, same endpoint)",
        `  ${f(raw.pairsPerSecond)} pairs/s, ${f(raw.mbPerSecond, 2)} MB/s (${raw.pairs} pairs in ${f(raw.seconds)} s)`,
        `ratio pipeline / ceiling: ${f(results.ratio, 3)}`,
        "",
      ].join("\n"),
    );
    if (values.out) writeFileSync(values.out, `${JSON.stringify(results, null, 2)}\n`);
  } finally {
    log("restoring the sample web at scale 1…");
    await stopSampleWeb(cfg);
    await startSampleWeb(cfg, log, 1);
  }
}

/** What `--ab` compares: CDK context over the app's for each variant's deploy. */
const AB_VARIANTS: ReadonlyArray<{ readonly name: string; readonly context: Readonly<Record<string, number>> }> = [
  {
    name: `one site's politeness per host: ${LIMITS.hostRequestsPerSecond} requests/s, ${LIMITS.hostConcurrency} at once`,
    context: {
      "sluice:hostRequestsPerSecond": LIMITS.hostRequestsPerSecond,
      "sluice:hostConcurrency": LIMITS.hostConcurrency,
    },
  },
  {
    name: `the sample web's (${SAMPLE_WEB_SITES} sites'): ${LIMITS.hostRequestsPerSecond * SAMPLE_WEB_SITES} requests/s, ${LIMITS.hostConcurrency * SAMPLE_WEB_SITES} at once`,
    context: {},
  },
];

async function pipelineAb(cfg: LocalConfig, scale: number, out: string | undefined): Promise<void> {
  const loadBefore = loadavg();
  const results: Array<{
    name: string;
    people: number;
    stored: number;
    seconds: number;
    imagesPerSecond: number;
    cpu: CpuUse;
  }> = [];
  try {
    for (const variant of AB_VARIANTS) {
      const outputs = (await deploy(cfg, log, { context: variant.context })).outputs;
      const before = await pipelineSummary(cfg, outputs);
      // Seeded people are whole blocks (scale N serves N; block b is the same at every scale above b) from the first
      // on, so the first block nobody has seen follows them.
      const firstNew = Math.ceil(before.people / BLOCK_SIZE);
      log(`${variant.name}: sample web at scale ${firstNew + scale}, seeding its last ${scale * BLOCK_SIZE} people…`);
      await stopSampleWeb(cfg);
      await startSampleWeb(cfg, log, firstNew + scale);
      const manifest = readSampleManifest(cfg);
      const meter = cpuUse();
      const job = await runJob(cfg, outputs, {
        from: "sample",
        limit: manifest.people.length,
        skip: firstNew * BLOCK_SIZE,
        log,
        interactive: false,
      });
      const cpu = meter();
      const stored = job.summary.stored - before.stored;
      results.push({
        cpu,
        name: variant.name,
        people: job.seeded,
        stored,
        seconds: job.seconds,
        imagesPerSecond: stored / job.seconds,
      });
    }
  } finally {
    log("restoring the default deploy and the sample web at scale 1…");
    await deploy(cfg, log);
    await stopSampleWeb(cfg);
    await startSampleWeb(cfg, log, 1);
  }
  const f = (n: number, d = 1) => n.toFixed(d);
  const base = results[0]?.imagesPerSecond ?? 0;
  const measuredOn = machine(loadBefore);
  process.stdout.write(
    [
      "",
      formatMachine(measuredOn),
      "face pipeline, seed → drained (scrape included), new people only, A/B in this run",
      ...results.flatMap((r) => [
        `  ${r.name.padEnd(58)} ${r.people} people, ${r.stored} new images in ${f(r.seconds)} s: ${f(r.imagesPerSecond)} images/s (×${f(r.imagesPerSecond / base, 2)})`,
        `    ${formatCpuUse(r.cpu)}`,
      ]),
      "",
    ].join("\n"),
  );
  if (out)
    writeFileSync(
      out,
      `${JSON.stringify({ at: new Date().toISOString(), machine: measuredOn, variants: results }, null, 2)}\n`,
    );
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`bench: ${(error as Error).message}\n`);
    process.exit(1);
  });
}
