/**
 * A small seeded random number generator (mulberry32), so a randomised run can be replayed from its printed seed:
 * the durability test's kill points, the chaos job's faults, the sample tweets.
 */

export interface Rng {
  readonly seed: number;
  /** [0, 1). */
  next(): number;
  /** An integer in [min, max]. */
  int(min: number, max: number): number;
}

/** mulberry32: 32-bit state, good enough to pick moments and delays. */
export function seededRng(seed: number): Rng {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    seed: seed >>> 0,
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
  };
}

/** The seed in environment variable name (to replay a failure), else a fresh one. */
export function seedFrom(name: string, env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[name];
  if (raw !== undefined && raw !== "") {
    const seed = Number(raw);
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new Error(`${name} must be an integer 0-4294967295, got "${raw}"`);
    }
    return seed;
  }
  return Math.floor(Math.random() * 0x100000000);
}
