/**
 * Compares two captured end states (state.ts) and says how they differ: per group (a table or bucket by its output
 * key), the entries only in the reference (missing), only in the chaos pass (extra), and in both with other
 * values (changed), each with a few examples. Pure.
 */

/** A captured end state: group → entry key → the entry's normalised value (a string, compared exactly). */
export type Capture = ReadonlyMap<string, ReadonlyMap<string, string>>;

export interface GroupDiff {
  readonly group: string;
  readonly entries: { readonly reference: number; readonly chaos: number };
  readonly missing: readonly string[];
  readonly extra: readonly string[];
  readonly changed: ReadonlyArray<{ readonly key: string; readonly reference: string; readonly chaos: string }>;
}

export interface Comparison {
  readonly groups: readonly GroupDiff[];
  /** Entries compared, summed over the reference's groups. */
  readonly entries: number;
  readonly differences: number;
}

export function compareCaptures(reference: Capture, chaos: Capture): Comparison {
  const names = [...new Set([...reference.keys(), ...chaos.keys()])].sort();
  const groups: GroupDiff[] = [];
  let differences = 0;
  let entries = 0;
  for (const group of names) {
    const ref = reference.get(group) ?? new Map<string, string>();
    const got = chaos.get(group) ?? new Map<string, string>();
    const missing = [...ref.keys()].filter((k) => !got.has(k)).sort();
    const extra = [...got.keys()].filter((k) => !ref.has(k)).sort();
    const changed = [...ref]
      .filter(([k, v]) => got.has(k) && got.get(k) !== v)
      .map(([key, value]) => ({ key, reference: value, chaos: got.get(key) as string }))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    differences += missing.length + extra.length + changed.length;
    entries += ref.size;
    groups.push({ group, entries: { reference: ref.size, chaos: got.size }, missing, extra, changed });
  }
  return { groups, entries, differences };
}

const clip = (text: string, max = 160): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** The diff summary: one line per group, then up to `examples` examples of each kind of difference. */
export function formatComparison(c: Comparison, examples = 3): string[] {
  const lines: string[] = [];
  for (const g of c.groups) {
    const n = g.missing.length + g.extra.length + g.changed.length;
    lines.push(
      `  ${g.group.padEnd(34)} ${String(g.entries.reference).padStart(7)} entries  ${
        n === 0 ? "same" : `${g.missing.length} missing, ${g.extra.length} extra, ${g.changed.length} changed`
      }`,
    );
    for (const k of g.missing.slice(0, examples)) lines.push(`      missing  ${clip(k)}`);
    for (const k of g.extra.slice(0, examples)) lines.push(`      extra    ${clip(k)}`);
    for (const d of g.changed.slice(0, examples)) {
      lines.push(
        `      changed  ${clip(d.key)}`,
        `        reference ${clip(d.reference)}`,
        `        chaos     ${clip(d.chaos)}`,
      );
    }
  }
  lines.push(
    c.differences === 0
      ? `  verdict: the same — ${c.entries} entries in ${c.groups.length} tables and buckets`
      : `  verdict: ${c.differences} differences in ${c.groups.filter((g) => g.missing.length + g.extra.length + g.changed.length > 0).length} of ${c.groups.length} tables and buckets`,
  );
  return lines;
}
