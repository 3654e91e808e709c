// Generates the extension icon (images/icon.png, 128×128) and one 32×32 icon.png per task
// folder. Everything is drawn here with a tiny anti-aliased rasterizer and written with a
// minimal PNG encoder over node:zlib, so the icons are reproducible without image tools.
//
//   node scripts/make-icons.mjs
import { deflateSync } from 'node:zlib';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

// ---------------------------------------------------------------------------------------------
// PNG encoding (RGBA, 8 bits per channel)

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const typeAndData = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([length, typeAndData, crc]);
}

function paeth(a, b, c) {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  if (pa <= pb && pa <= pc) return a;
  return pb <= pc ? b : c;
}

/** Filters one scanline with each of the five PNG filters and keeps the one with the smallest
 * sum of absolute values (the usual heuristic: it tends to deflate best). */
function filterRow(row, previous, bpp) {
  let best = null;
  let bestScore = Infinity;
  for (let type = 0; type <= 4; type++) {
    const out = Buffer.alloc(row.length + 1);
    out[0] = type;
    let score = 0;
    for (let i = 0; i < row.length; i++) {
      const a = i >= bpp ? row[i - bpp] : 0;
      const b = previous[i];
      const c = i >= bpp ? previous[i - bpp] : 0;
      const predictor = [0, a, b, (a + b) >> 1, paeth(a, b, c)][type];
      const value = (row[i] - predictor) & 0xff;
      out[i + 1] = value;
      score += value < 128 ? value : 256 - value;
    }
    if (score < bestScore) {
      bestScore = score;
      best = out;
    }
  }
  return best;
}

function encodePng(width, height, rgba) {
  const stride = width * 4;
  const rows = [];
  let previous = Buffer.alloc(stride);
  for (let y = 0; y < height; y++) {
    const row = rgba.subarray(y * stride, (y + 1) * stride);
    rows.push(filterRow(row, previous, 4));
    previous = row;
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // colour type: truecolour with alpha
  header[10] = 0; // compression: deflate
  header[11] = 0; // filter method: adaptive
  header[12] = 0; // no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows), { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// ---------------------------------------------------------------------------------------------
// Geometry in unit coordinates (0..1 across the icon); each shape is an "inside" predicate.

function roundedSquare(margin, radius) {
  const lo = margin + radius;
  const hi = 1 - margin - radius;
  return (x, y) => {
    const dx = Math.max(lo - x, 0, x - hi);
    const dy = Math.max(lo - y, 0, y - hi);
    return dx * dx + dy * dy <= radius * radius && x >= margin && x <= 1 - margin && y >= margin && y <= 1 - margin;
  };
}

function polygon(points) {
  return (x, y) => {
    let inside = false;
    for (let i = 0, j = points.length - 1; i < points.length; j = i++) {
      const [xi, yi] = points[i];
      const [xj, yj] = points[j];
      if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
    }
    return inside;
  };
}

function distanceToSegment(x, y, [ax, ay], [bx, by]) {
  const vx = bx - ax;
  const vy = by - ay;
  const t = Math.max(0, Math.min(1, ((x - ax) * vx + (y - ay) * vy) / (vx * vx + vy * vy)));
  return Math.hypot(x - (ax + t * vx), y - (ay + t * vy));
}

/** A stroked open path with round caps and joins. */
function stroke(points, width) {
  return (x, y) => {
    for (let i = 1; i < points.length; i++) {
      if (distanceToSegment(x, y, points[i - 1], points[i]) <= width / 2) return true;
    }
    return false;
  };
}

function circle(cx, cy, r) {
  return (x, y) => (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
}

/** A ring segment from angle `from` to `to` (radians, clockwise from 3 o'clock, y down). */
function arc(cx, cy, r, width, from, to) {
  return (x, y) => {
    const d = Math.hypot(x - cx, y - cy);
    if (Math.abs(d - r) > width / 2) return false;
    let a = Math.atan2(y - cy, x - cx);
    while (a < from) a += 2 * Math.PI;
    return a <= to;
  };
}

const union =
  (...shapes) =>
  (x, y) =>
    shapes.some((s) => s(x, y));
const minus = (shape, hole) => (x, y) => shape(x, y) && !hole(x, y);

// ---------------------------------------------------------------------------------------------
// Rendering: 8×8 supersampling per pixel, premultiplied accumulation.

function hex(color) {
  return [1, 3, 5].map((i) => parseInt(color.slice(i, i + 2), 16));
}

function render(size, { from, to, glyph }) {
  const samples = 8;
  const background = roundedSquare(0.02, 0.2);
  const start = hex(from);
  const end = hex(to);
  const rgba = Buffer.alloc(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const x = (px + (sx + 0.5) / samples) / size;
          const y = (py + (sy + 0.5) / samples) / size;
          if (!background(x, y)) continue;
          a += 1;
          if (glyph(x, y)) {
            r += 255;
            g += 255;
            b += 255;
          } else {
            // Diagonal gradient, lighter at the top left.
            const t = Math.min(1, Math.max(0, (x + y) / 2));
            r += start[0] + (end[0] - start[0]) * t;
            g += start[1] + (end[1] - start[1]) * t;
            b += start[2] + (end[2] - start[2]) * t;
          }
        }
      }
      const offset = (py * size + px) * 4;
      if (a > 0) {
        rgba[offset] = Math.round(r / a);
        rgba[offset + 1] = Math.round(g / a);
        rgba[offset + 2] = Math.round(b / a);
        rgba[offset + 3] = Math.round((255 * a) / (samples * samples));
      }
    }
  }
  return encodePng(size, size, rgba);
}

// ---------------------------------------------------------------------------------------------
// The icons

/** Extension: two stacked layers (a filled rhombus over a chevron), the "platform" mark. */
const layers = union(
  polygon([
    [0.5, 0.2],
    [0.8, 0.38],
    [0.5, 0.56],
    [0.2, 0.38],
  ]),
  stroke(
    [
      [0.22, 0.56],
      [0.5, 0.73],
      [0.78, 0.56],
    ],
    0.075,
  ),
);

/** RegisterModel: a label (tag) with a punched hole — versions get registered and tagged. */
const tag = minus(
  polygon([
    [0.2, 0.3],
    [0.56, 0.3],
    [0.8, 0.5],
    [0.56, 0.7],
    [0.2, 0.7],
  ]),
  circle(0.35, 0.5, 0.07),
);

/** DeployServing: a "serve/run" triangle. */
const play = polygon([
  [0.35, 0.24],
  [0.77, 0.5],
  [0.35, 0.76],
]);

/** CreateMonitor: a metric line over a baseline. */
const chart = union(
  stroke(
    [
      [0.22, 0.6],
      [0.4, 0.42],
      [0.54, 0.54],
      [0.78, 0.3],
    ],
    0.1,
  ),
  stroke(
    [
      [0.22, 0.76],
      [0.78, 0.76],
    ],
    0.07,
  ),
);

/** RefreshMonitors: a circular arrow. */
const refresh = union(
  arc(0.5, 0.52, 0.23, 0.1, -Math.PI / 2 + 0.95, (3 * Math.PI) / 2 - 0.15),
  polygon([
    [0.46, 0.13],
    [0.69, 0.29],
    [0.46, 0.45],
  ]),
);

/** RunJob: a workflow of three tasks (data prep → training → logging) joined by lines. */
const workflow = union(
  stroke(
    [
      [0.27, 0.3],
      [0.5, 0.5],
      [0.73, 0.7],
    ],
    0.07,
  ),
  circle(0.27, 0.3, 0.11),
  circle(0.5, 0.5, 0.11),
  circle(0.73, 0.7, 0.11),
);

const icons = [
  { path: 'images/icon.png', size: 128, from: '#FF7043', to: '#E0241A', glyph: layers },
  { path: 'tasks/DatabricksRegisterModel/icon.png', size: 32, from: '#FF8A4C', to: '#E2401E', glyph: tag },
  { path: 'tasks/DatabricksDeployServing/icon.png', size: 32, from: '#FF5A3C', to: '#C71F35', glyph: play },
  { path: 'tasks/DatabricksCreateMonitor/icon.png', size: 32, from: '#FFA040', to: '#E5581B', glyph: chart },
  { path: 'tasks/DatabricksRefreshMonitors/icon.png', size: 32, from: '#FF5E62', to: '#B3245C', glyph: refresh },
  { path: 'tasks/DatabricksRunJob/icon.png', size: 32, from: '#FF7A45', to: '#C2331F', glyph: workflow },
];

for (const icon of icons) {
  const target = join(repoRoot, icon.path);
  mkdirSync(dirname(target), { recursive: true });
  const png = render(icon.size, icon);
  writeFileSync(target, png);
  console.log(`${icon.path}: ${icon.size}×${icon.size}, ${png.length} bytes`);
}
