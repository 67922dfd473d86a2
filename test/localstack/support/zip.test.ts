import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { launcherJar } from "#local/support/java";
import { storedZip } from "#local/support/zip";

/** The entries of a ZIP as its central directory lists them (name → stored bytes), read back by hand. */
function readStoredZip(zip: Buffer): Map<string, string> {
  const end = zip.length - 22;
  expect(zip.readUInt32LE(end)).toBe(0x06054b50);
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const entries = new Map<string, string>();
  for (let i = 0; i < count; i++) {
    expect(zip.readUInt32LE(at)).toBe(0x02014b50);
    const size = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const name = zip.toString("utf8", at + 46, at + 46 + nameLength);
    const local = zip.readUInt32LE(at + 42);
    expect(zip.readUInt32LE(local)).toBe(0x04034b50);
    const dataAt = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    entries.set(name, zip.toString("utf8", dataAt, dataAt + size));
    at += 46 + nameLength;
  }
  return entries;
}

describe("storedZip", () => {
  test("holds each file, stored, findable through the central directory", () => {
    const zip = storedZip([
      { name: "a.txt", content: "alpha\n" },
      { name: "dir/b.bin", content: Buffer.from([1, 2, 3]) },
    ]);
    expect([...readStoredZip(zip).entries()]).toEqual([
      ["a.txt", "alpha\n"],
      ["dir/b.bin", "\u0001\u0002\u0003"],
    ]);
  });

  test("is a ZIP another reader accepts, checksums included", () => {
    const dir = mkdtempSync(join(tmpdir(), "sluice-zip-"));
    try {
      const file = join(dir, "x.zip");
      writeFileSync(file, storedZip([{ name: "x/y.txt", content: "why\n" }]));
      const check = spawnSync(
        "python3",
        [
          "-c",
          "import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None; print(z.read('x/y.txt').decode(), end='')",
          file,
        ],
        { encoding: "utf8" },
      );
      expect(check.error).toBeUndefined(); // Python is a prerequisite of the local stack (LocalStack)
      expect(check.stderr).toBe("");
      expect(check.stdout).toBe("why\n");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("launcherJar", () => {
  test("has only a manifest naming the main class and a class path folded at 72 bytes", () => {
    const classPath = [".", ...Array.from({ length: 8 }, (_, i) => `DynamoDBLocal_lib/dependency-number-${i}.jar`)];
    const entries = readStoredZip(launcherJar("com.example.Main", classPath));
    expect([...entries.keys()]).toEqual(["META-INF/MANIFEST.MF"]);
    const manifest = entries.get("META-INF/MANIFEST.MF") ?? "";
    const lines = manifest.split("\r\n");
    expect(lines.every((line) => Buffer.byteLength(line) <= 72)).toBe(true);
    const unfolded = manifest.replace(/\r\n /g, "");
    expect(unfolded).toContain("Main-Class: com.example.Main\r\n");
    expect(unfolded).toContain(`Class-Path: ${classPath.join(" ")}\r\n`);
    expect(manifest.endsWith("\r\n\r\n")).toBe(true);
  });
});
