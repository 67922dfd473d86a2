/**
 * The sample web's pictures as pixels: "face-like" drawings rasterised in plain JavaScript
 * (background scene, shoulders, face ellipse, hair, eyes, brows, nose, mouth, lighting and noise),
 * random enough that one person's pictures are told apart by a difference hash, and the flat
 * placeholders the clean stage must find useless. Encoding and byte surgery are imaging.ts's.
 */
import type { Rng } from "./prng";

/** Raw 8-bit RGB pixels. */
export interface Raster {
  width: number;
  height: number;
  data: Buffer;
}

export type Rgb = readonly [number, number, number];

interface Shape {
  kind: "rect" | "ellipse";
  /** Centre and size as fractions of the image. */
  x: number;
  y: number;
  w: number;
  h: number;
  angle: number;
  color: Rgb;
}

export interface FaceParams {
  bgA: Rgb;
  bgB: Rgb;
  bgAngle: number;
  scene: Shape[];
  /** Face centre as fractions of width and height. */
  cx: number;
  cy: number;
  /** Face half-width as a fraction of the shorter side. */
  size: number;
  /** Face half-height / half-width. */
  elongation: number;
  tilt: number;
  /** Head turned left (-) or right (+): features shift sideways. */
  turn: number;
  skin: Rgb;
  hair: Rgb;
  hairStyle: 0 | 1 | 2 | 3;
  clothes: Rgb;
  iris: Rgb;
  lips: Rgb;
  mouthWidth: number;
  mouthOpen: number;
  glasses: boolean;
  eyesClosed: boolean;
  /** Strength and direction of a linear light falloff over the whole picture. */
  light: number;
  lightAngle: number;
  noise: number;
  noiseSeed: number;
}

const SKIN: Rgb[] = [
  [255, 219, 172],
  [241, 194, 125],
  [224, 172, 105],
  [198, 134, 66],
  [141, 85, 36],
  [92, 56, 30],
];
const HAIR: Rgb[] = [
  [20, 16, 14],
  [59, 38, 24],
  [110, 72, 40],
  [214, 180, 110],
  [165, 70, 30],
  [150, 150, 150],
  [235, 235, 230],
];

function jitter(rng: Rng, [r, g, b]: Rgb, amount: number): Rgb {
  const j = () => rng.range(-amount, amount);
  return [clamp(r + j()), clamp(g + j()), clamp(b + j())];
}

// Math under a module-level name for the pixel loops: a global lookup per pixel is slow wherever
// code runs in a vm context (as under jest).
const m = Math;
const INFINITY = Number.POSITIVE_INFINITY;

const clamp = (v: number) => (v < 0 ? 0 : v > 255 ? 255 : Math.round(v));
const anyColor = (rng: Rng): Rgb => [rng.int(0, 255), rng.int(0, 255), rng.int(0, 255)];

export function randomFace(rng: Rng): FaceParams {
  const scene: Shape[] = [];
  const shapes = rng.int(2, 5);
  for (let i = 0; i < shapes; i++) {
    scene.push({
      kind: rng.chance(0.5) ? "rect" : "ellipse",
      x: rng.next(),
      y: rng.range(0, 0.8),
      w: rng.range(0.15, 0.7),
      h: rng.range(0.15, 0.7),
      angle: rng.range(-0.6, 0.6),
      color: anyColor(rng),
    });
  }
  return {
    bgA: anyColor(rng),
    bgB: anyColor(rng),
    bgAngle: rng.range(0, Math.PI * 2),
    scene,
    cx: rng.range(0.36, 0.64),
    cy: rng.range(0.36, 0.5),
    size: rng.range(0.16, 0.23),
    elongation: rng.range(1.18, 1.42),
    tilt: rng.range(-0.3, 0.3),
    turn: rng.range(-0.35, 0.35),
    skin: jitter(rng, rng.pick(SKIN), 14),
    hair: jitter(rng, rng.pick(HAIR), 10),
    hairStyle: rng.int(0, 3) as FaceParams["hairStyle"],
    clothes: anyColor(rng),
    iris: jitter(
      rng,
      rng.pick<Rgb>([
        [70, 50, 30],
        [60, 110, 160],
        [80, 120, 70],
        [40, 30, 25],
      ]),
      15,
    ),
    lips: jitter(rng, [160, 60, 65], 25),
    mouthWidth: rng.range(0.22, 0.42),
    mouthOpen: rng.range(0, 1),
    glasses: rng.chance(0.25),
    eyesClosed: false,
    light: rng.range(-0.45, 0.45),
    lightAngle: rng.range(0, Math.PI * 2),
    noise: rng.range(3, 12),
    noiseSeed: rng.uint32() || 1,
  };
}

class Canvas {
  readonly data: Buffer;
  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.data = Buffer.alloc(width * height * 3);
  }

  gradient(a: Rgb, b: Rgb, angle: number): void {
    const { width: w, height: h, data } = this;
    const cos = m.cos(angle);
    const sin = m.sin(angle);
    const half = (m.abs(cos) * w + m.abs(sin) * h) / 2 || 1;
    const [ar, ag, ab] = a;
    const dr = b[0] - ar;
    const dg = b[1] - ag;
    const db = b[2] - ab;
    const step = cos / (2 * half);
    let i = 0;
    for (let y = 0; y < h; y++) {
      let t = 0.5 + ((0 - w / 2) * cos + (y - h / 2) * sin) / (2 * half);
      for (let x = 0; x < w; x++, i += 3, t += step) {
        const k = m.min(1, m.max(0, t));
        data[i] = ar + dr * k;
        data[i + 1] = ag + dg * k;
        data[i + 2] = ab + db * k;
      }
    }
  }

  /**
   * A filled ellipse or rectangle centred at (cx, cy) with half-sizes (rx, ry), rotated by `angle`.
   * Each row is filled over the span where the pixel centres are inside, solved for directly.
   */
  fill(kind: "ellipse" | "rect", cx: number, cy: number, rx: number, ry: number, angle: number, color: Rgb): void {
    if (rx <= 0 || ry <= 0) return;
    const { width: w, height: h, data } = this;
    const cos = m.cos(angle);
    const sin = m.sin(angle);
    const ey = kind === "ellipse" ? m.hypot(rx * sin, ry * cos) : m.abs(rx * sin) + m.abs(ry * cos);
    const y0 = m.max(0, m.floor(cy - ey));
    const y1 = m.min(h - 1, m.ceil(cy + ey));
    const [r, g, b] = color;
    // Shape coordinates: u = dx·ux + dy·uy, v = dx·vx + dy·vy; inside when u² + v² ≤ 1 (ellipse) or |u|, |v| ≤ 1 (rect).
    const ux = cos / rx;
    const uy = sin / rx;
    const vx = -sin / ry;
    const vy = cos / ry;
    const qa = ux * ux + vx * vx;
    for (let y = y0; y <= y1; y++) {
      const dy = y + 0.5 - cy;
      let lo: number;
      let hi: number;
      if (kind === "ellipse") {
        const qb = 2 * dy * (ux * uy + vx * vy);
        const qc = dy * dy * (uy * uy + vy * vy) - 1;
        const disc = qb * qb - 4 * qa * qc;
        if (disc < 0) continue;
        const root = m.sqrt(disc);
        lo = (-qb - root) / (2 * qa);
        hi = (-qb + root) / (2 * qa);
      } else {
        [lo, hi] = band(ux, dy * uy, -INFINITY, INFINITY);
        [lo, hi] = band(vx, dy * vy, lo, hi);
      }
      const x0 = m.max(0, m.ceil(cx - 0.5 + lo));
      const x1 = m.min(w - 1, m.floor(cx - 0.5 + hi));
      for (let i = (y * w + x0) * 3, end = (y * w + x1) * 3; i <= end; i += 3) {
        data[i] = r;
        data[i + 1] = g;
        data[i + 2] = b;
      }
    }
  }

  /** Lighting falloff and noise over every pixel. */
  finish(light: number, lightAngle: number, noise: number, seed: number): Buffer {
    const { width: w, height: h, data } = this;
    // Writes through a clamped view: rounding and clamping to 0–255 for free.
    const out = new Uint8ClampedArray(data.buffer, data.byteOffset, data.length);
    const gx = (light * m.cos(lightAngle)) / (m.max(w, h) / 2);
    const gy = (light * m.sin(lightAngle)) / (m.max(w, h) / 2);
    const scale = (2 * noise) / 4294967296;
    let s = seed >>> 0 || 1;
    let i = 0;
    for (let y = 0; y < h; y++) {
      let gain = 1 - (gx * w) / 2 + gy * (y - h / 2);
      for (let x = 0; x < w; x++, i += 3, gain += gx) {
        s ^= s << 13;
        s ^= s >>> 17;
        s ^= s << 5;
        const n = ((s >>> 0) - 2147483648) * scale;
        out[i] = (out[i] as number) * gain + n;
        out[i + 1] = (out[i + 1] as number) * gain + n;
        out[i + 2] = (out[i + 2] as number) * gain + n;
      }
    }
    return data;
  }
}

/** The dx for which −1 ≤ a·dx + c ≤ 1, intersected with [lo, hi]. */
function band(a: number, c: number, lo: number, hi: number): [number, number] {
  if (m.abs(a) < 1e-12) return m.abs(c) <= 1 ? [lo, hi] : [1, 0];
  const p = (-1 - c) / a;
  const q = (1 - c) / a;
  return [m.max(lo, m.min(p, q)), m.min(hi, m.max(p, q))];
}

const shade = ([r, g, b]: Rgb, f: number): Rgb => [clamp(r * f), clamp(g * f), clamp(b * f)];

/** Rasterises a face drawing at the given size. */
export function renderFace(width: number, height: number, p: FaceParams): Raster {
  const c = new Canvas(width, height);
  c.gradient(p.bgA, p.bgB, p.bgAngle);
  for (const s of p.scene) {
    c.fill(s.kind, s.x * width, s.y * height, (s.w * width) / 2, (s.h * height) / 2, s.angle, s.color);
  }
  const short = Math.min(width, height);
  const rx = p.size * short;
  const ry = rx * p.elongation;
  const fx = Math.min(Math.max(p.cx * width, rx * 1.3), width - rx * 1.3);
  const fy = Math.min(Math.max(p.cy * height, ry * 1.05), height - ry * 1.05);
  const cos = Math.cos(p.tilt);
  const sin = Math.sin(p.tilt);
  /** A point in the face's own frame (x right, y down, origin at the face centre) on the canvas. */
  const at = (x: number, y: number): [number, number] => [fx + x * cos - y * sin, fy + x * sin + y * cos];
  const draw = (kind: "ellipse" | "rect", x: number, y: number, hx: number, hy: number, color: Rgb) => {
    const [px, py] = at(x, y);
    c.fill(kind, px, py, hx, hy, p.tilt, color);
  };

  // Shoulders and neck, then hair behind the head.
  c.fill("ellipse", fx + p.turn * rx * 0.4, fy + ry * 2.05, rx * 2.4, ry * 1.25, 0, p.clothes);
  draw("rect", 0, ry * 0.95, rx * 0.42, ry * 0.45, shade(p.skin, 0.86));
  if (p.hairStyle >= 2) draw("ellipse", 0, ry * 0.22, rx * 1.28, ry * 1.22, p.hair);
  // Ears and face.
  draw("ellipse", -rx * 0.98, 0, rx * 0.14, ry * 0.2, shade(p.skin, 0.92));
  draw("ellipse", rx * 0.98, 0, rx * 0.14, ry * 0.2, shade(p.skin, 0.92));
  draw("ellipse", 0, 0, rx, ry, p.skin);
  // Hair on top.
  if (p.hairStyle >= 1) draw("ellipse", 0, -ry * 0.66, rx * 1.04, ry * 0.44, p.hair);
  if (p.hairStyle === 3) draw("ellipse", 0, -ry * 1.12, rx * 0.36, ry * 0.24, p.hair);
  // Eyes, brows, glasses.
  const shift = p.turn * rx * 0.35;
  for (const side of [-1, 1]) {
    const ex = side * rx * 0.38 + shift;
    const ey = -ry * 0.08;
    if (p.glasses) {
      draw("ellipse", ex, ey, rx * 0.27, rx * 0.21, [25, 25, 30]);
      draw("ellipse", ex, ey, rx * 0.23, rx * 0.17, shade(p.skin, 1.06));
    }
    if (p.eyesClosed) {
      draw("ellipse", ex, ey, rx * 0.19, rx * 0.025, [40, 30, 30]);
    } else {
      draw("ellipse", ex, ey, rx * 0.19, rx * 0.11, [245, 245, 240]);
      draw("ellipse", ex + p.turn * rx * 0.06, ey, rx * 0.085, rx * 0.085, p.iris);
      draw("ellipse", ex + p.turn * rx * 0.06, ey, rx * 0.04, rx * 0.04, [10, 10, 10]);
    }
    draw("ellipse", ex, -ry * 0.25, rx * 0.22, rx * 0.045, shade(p.hair, 0.8));
  }
  // Nose and mouth.
  draw("ellipse", p.turn * rx * 0.3, ry * 0.18, rx * 0.09, ry * 0.14, shade(p.skin, 0.84));
  draw("ellipse", p.turn * rx * 0.22, ry * 0.5, rx * p.mouthWidth, rx * (0.04 + 0.1 * p.mouthOpen), p.lips);
  if (p.mouthOpen > 0.6)
    draw("ellipse", p.turn * rx * 0.22, ry * 0.5, rx * p.mouthWidth * 0.7, rx * 0.05, [60, 20, 25]);
  return { width, height, data: c.finish(p.light, p.lightAngle, p.noise, p.noiseSeed) };
}

/** A flat colour with a little noise, or a gentle horizontal ramp: useless, near-uniform pictures. */
export function renderFlat(
  width: number,
  height: number,
  color: Rgb,
  ramp: number,
  noise: number,
  seed: number,
): Raster {
  const c = new Canvas(width, height);
  c.gradient(shade(color, 1 - ramp / 255), shade(color, 1 + ramp / 255), 0);
  return { width, height, data: c.finish(0, 0, noise, seed) };
}
