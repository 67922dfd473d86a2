/**
 * LocalStack's Python side: `localstack-core` (cfg.localstack.version, pinned with the dependency versions
 * it was released with) installed with pip into a project-local virtualenv (cfg.localstack.venvDir), with
 * a Python ≥ 3.12 found on this machine. LocalStack then runs as `<venv>/bin/python -m localstack.runtime.main`.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import type { LocalConfig } from "../config";
import { readMarker, writeMarker } from "../support/install-marker";
import { MissingPrerequisiteError, run } from "../support/proc";

/** localstack-core 4.x uses Python 3.12 syntax (PEP 695) although its metadata says >=3.10. */
const MIN_PYTHON: [number, number] = [3, 12];

/**
 * The versions LocalStack 4.14.0 was released and tested with (its requirements-runtime.txt, the
 * `runtime` extra resolved). Without them pip picks newer releases that break it (cbor2 6 removed the
 * module LocalStack imports). Applied only when cfg.localstack.version is 4.14.0.
 */
const PINNED_VERSION = "4.14.0";
const PINS_4_14_0 = `
airspeed-ext==0.6.9 annotated-types==0.7.0 antlr4-python3-runtime==4.13.2 apispec==6.9.0 argparse==1.4.0
asn1crypto==1.5.1 attrs==25.4.0 aws-sam-translator==1.107.0 aws-xray-sdk==2.15.0 awscli==1.44.44 awscrt==0.31.2
boto3==1.42.54 botocore==1.42.54 cachetools==7.0.1 cbor2==5.8.0 certifi==2026.1.4 cffi==2.0.0 cfn-lint==1.45.0
charset-normalizer==3.4.4 click==8.3.1 colorama==0.4.6 constantly==23.10.4 crontab==1.0.5 cryptography==46.0.5
decorator==5.2.1 dill==0.3.6 dnslib==0.9.26 dnspython==2.8.0 docker==7.1.0 docutils==0.19 events==0.5
graphql-core==3.2.7 grpcio==1.78.1 h11==0.16.0 h2==4.3.0 hpack==4.1.0 hypercorn==0.18.0 hyperframe==6.1.0
hyperlink==21.0.0 idna==3.11 incremental==24.11.0 isodate==0.7.2 jinja2==3.1.6 jmespath==1.1.0 joserfc==1.6.2
jpype1==1.6.0 jsonpatch==1.33 jsonpath-ng==1.7.0 jsonpath-rw==1.4.0 jsonpointer==3.0.0 jsonschema==4.26.0
jsonschema-path==0.3.4 jsonschema-specifications==2025.9.1 kclpy-ext==3.0.5 lazy-object-proxy==1.12.0
localstack-twisted==25.5.0 markdown-it-py==4.0.0 markupsafe==3.0.3 mdurl==0.1.2 more-itertools==10.8.0
moto-ext==5.1.24 mpmath==1.3.0 multipart==1.3.0 networkx==3.6.1 openapi-core==0.22.0
openapi-schema-validator==0.6.3 openapi-spec-validator==0.7.2 opensearch-protobufs==0.19.0 opensearch-py==3.1.0
packaging==26.0 pathable==0.4.4 plux==1.14.0 ply==3.11 priority==1.3.0 protobuf==6.33.5 psutil==7.2.2
py-partiql-parser==0.6.3 pyasn1==0.6.2 pycparser==3.0 pydantic==2.12.5 pydantic-core==2.41.5 pygments==2.19.2
pymongo==4.16.0 pyopenssl==25.3.0 pyparsing==3.3.2 python-dateutil==2.9.0.post0 python-dotenv==1.2.1
pyyaml==6.0.3 readerwriterlock==1.0.9 referencing==0.36.2 regex==2026.2.19 requests==2.32.5
requests-aws4auth==1.3.1 responses==0.26.0 rfc3339-validator==0.1.4 rich==14.3.3 rolo==0.8.1 rpds-py==0.30.0
rsa==4.7.2 s3transfer==0.16.0 semver==3.0.4 six==1.17.0 sympy==1.14.0 typing-extensions==4.15.0
typing-inspection==0.4.2 urllib3==2.6.3 werkzeug==3.1.6 wrapt==2.1.1 wsproto==1.3.2 xmltodict==1.0.4 zope-interface==8.2
`
  .trim()
  .split(/\s+/);

const INSTALL_MARKER = ".sluice-install.json";

const HOW_PYTHON =
  "LocalStack needs Python 3.12 or newer with its venv module: e.g. `pyenv install 3.13` " +
  "(or your distribution's python3.12/python3.13 and its -venv package), or set SLUICE_PYTHON to such an interpreter.";

function paths(cfg: LocalConfig) {
  return {
    venv: cfg.localstack.venvDir,
    venvMarker: join(cfg.localstack.venvDir, INSTALL_MARKER),
    constraints: join(cfg.localstack.venvDir, "localstack-constraints.txt"),
  };
}

/** The virtualenv's Python, which runs LocalStack. */
export function venvPython(cfg: LocalConfig): string {
  return join(cfg.localstack.venvDir, "bin", "python");
}

interface Python {
  readonly path: string;
  readonly version: string;
}

function probePython(path: string): Python | undefined {
  const result = spawnSync(path, ["-c", "import sys, venv, ensurepip; print('%d.%d.%d' % sys.version_info[:3])"], {
    encoding: "utf8",
  });
  if (result.error || result.status !== 0) return undefined;
  const version = result.stdout.trim();
  const [major = 0, minor = 0] = version.split(".").map(Number);
  if (major < MIN_PYTHON[0] || (major === MIN_PYTHON[0] && minor < MIN_PYTHON[1])) return undefined;
  return { path, version };
}

function compareVersionsDesc(a: string, b: string): number {
  const pa = a.split(".").map((n) => Number.parseInt(n, 10) || 0);
  const pb = b.split(".").map((n) => Number.parseInt(n, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pb[i] ?? 0) - (pa[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * A Python ≥ 3.12 with venv: SLUICE_PYTHON if set; otherwise python3 on PATH, pyenv's installed versions
 * (probed directly: pyenv's shims fail, slowly, for versions that are not active) and python3.1x on PATH,
 * preferring 3.13 or 3.12 (what the pinned wheels exist for) over newer ones.
 */
export function findPython(): Python {
  const explicit = process.env.SLUICE_PYTHON;
  if (explicit) {
    const found = probePython(explicit);
    if (found) return found;
    throw new MissingPrerequisiteError(
      `Python ≥ ${MIN_PYTHON.join(".")} (SLUICE_PYTHON=${explicit} is not one)`,
      HOW_PYTHON,
    );
  }
  const candidates = ["python3"];
  const pyenvVersions = join(process.env.PYENV_ROOT ?? join(homedir(), ".pyenv"), "versions");
  if (existsSync(pyenvVersions)) {
    const versions = readdirSync(pyenvVersions)
      .filter((v) => /^3\.\d+\.\d+$/.test(v))
      .sort(compareVersionsDesc);
    candidates.push(...versions.map((v) => join(pyenvVersions, v, "bin", "python3")));
  }
  candidates.push("python3.13", "python3.12", "python3.14");
  const probed = new Map<string, Python | undefined>();
  const probe = (candidate: string): Python | undefined => {
    if (!probed.has(candidate)) probed.set(candidate, probePython(candidate));
    return probed.get(candidate);
  };
  for (const preferred of [true, false]) {
    for (const candidate of candidates) {
      if (preferred && /^python3\.\d+$/.test(candidate) && !/^python3\.1[23]$/.test(candidate)) continue;
      const found = probe(candidate);
      if (found && (!preferred || /^3\.1[23]\./.test(found.version))) return found;
    }
  }
  throw new MissingPrerequisiteError(`Python ≥ ${MIN_PYTHON.join(".")} with the venv module`, HOW_PYTHON);
}

interface VenvMarker {
  readonly localstack: string;
  readonly python: string;
  readonly pins: string;
}

function pinsFor(version: string): string[] {
  return version === PINNED_VERSION ? PINS_4_14_0 : [];
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, 16);
}

export function venvIsCurrent(cfg: LocalConfig): boolean {
  const p = paths(cfg);
  const marker = readMarker<VenvMarker>(p.venvMarker);
  return (
    marker !== undefined &&
    marker.localstack === cfg.localstack.version &&
    marker.pins === sha256(pinsFor(cfg.localstack.version).join("\n")) &&
    existsSync(venvPython(cfg))
  );
}

export function installVenv(cfg: LocalConfig, log: (msg: string) => void): void {
  const p = paths(cfg);
  const python = findPython();
  const version = cfg.localstack.version;
  const existing = existsSync(venvPython(cfg)) ? probePython(venvPython(cfg)) : undefined;
  if (!existing) {
    log(`creating the LocalStack virtualenv ${p.venv} with Python ${python.version} (${python.path})…`);
    rmSync(p.venv, { recursive: true, force: true });
    mkdirSync(dirname(p.venv), { recursive: true });
    run(python.path, ["-m", "venv", p.venv], { what: "Creating the LocalStack virtualenv" });
  }
  const pins = pinsFor(version);
  const args = ["-m", "pip", "install", "--disable-pip-version-check", "--no-input"];
  if (pins.length > 0) {
    writeFileSync(p.constraints, `${pins.join("\n")}\n`);
    args.push("-c", p.constraints);
  } else {
    log(`warning: no pinned dependency versions for localstack-core ${version}; pip resolves the newest ones`);
  }
  args.push(`localstack-core[runtime]==${version}`);
  log(`installing localstack-core ${version} with pip (first run only: about 2 minutes, ~500 MB)…`);
  run(venvPython(cfg), args, { what: `Installing localstack-core ${version}` });
  const installed = probePython(venvPython(cfg));
  const marker: VenvMarker = {
    localstack: version,
    python: installed?.version ?? "?",
    pins: sha256(pins.join("\n")),
  };
  writeMarker(p.venvMarker, marker);
}
