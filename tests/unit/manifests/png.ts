/**
 * A strict PNG reader for the icon tests: checks the signature, every chunk's CRC, the chunk
 * order (IHDR first, IEND last) and that the image data inflates to exactly the size the
 * header announces, so a truncated or hand-edited file fails.
 */
import { crc32, inflateSync } from 'node:zlib';

export interface PngInfo {
  width: number;
  height: number;
  bitDepth: number;
  colorType: number;
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Channels per pixel for each colour type (greyscale, RGB, palette, grey+alpha, RGBA). */
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

export function readPng(data: Buffer): PngInfo {
  if (data.length < SIGNATURE.length || !data.subarray(0, SIGNATURE.length).equals(SIGNATURE)) {
    throw new Error('not a PNG file (bad signature)');
  }
  let offset = SIGNATURE.length;
  let info: PngInfo | undefined;
  let interlaced = false;
  const idat: Buffer[] = [];
  let ended = false;
  while (offset < data.length) {
    if (ended) throw new Error('data after IEND');
    if (offset + 12 > data.length) throw new Error('truncated chunk header');
    const length = data.readUInt32BE(offset);
    const type = data.toString('latin1', offset + 4, offset + 8);
    const end = offset + 12 + length;
    if (end > data.length) throw new Error(`truncated ${type} chunk`);
    const body = data.subarray(offset + 8, offset + 8 + length);
    const expectedCrc = data.readUInt32BE(offset + 8 + length);
    if (crc32(data.subarray(offset + 4, offset + 8 + length)) !== expectedCrc) {
      throw new Error(`bad CRC in ${type} chunk`);
    }
    if (info === undefined && type !== 'IHDR') throw new Error('the first chunk is not IHDR');
    if (type === 'IHDR') {
      if (info !== undefined) throw new Error('more than one IHDR');
      if (length !== 13) throw new Error('IHDR is not 13 bytes');
      info = {
        width: body.readUInt32BE(0),
        height: body.readUInt32BE(4),
        bitDepth: body[8],
        colorType: body[9],
      };
      interlaced = body[12] !== 0;
    } else if (type === 'IDAT') {
      idat.push(body);
    } else if (type === 'IEND') {
      ended = true;
    }
    offset = end;
  }
  if (info === undefined) throw new Error('no IHDR');
  if (!ended) throw new Error('no IEND');
  if (idat.length === 0) throw new Error('no IDAT');
  const channels = CHANNELS[info.colorType];
  if (channels === undefined) throw new Error(`unknown colour type ${info.colorType}`);
  if (!interlaced) {
    // One filter byte per scanline, then the packed samples.
    const rowBytes = Math.ceil((info.width * channels * info.bitDepth) / 8);
    const expected = info.height * (1 + rowBytes);
    const raw = inflateSync(Buffer.concat(idat));
    if (raw.length !== expected) throw new Error(`image data is ${raw.length} bytes, expected ${expected}`);
    for (let row = 0; row < info.height; row++) {
      const filter = raw[row * (1 + rowBytes)];
      if (filter > 4) throw new Error(`row ${row} has unknown filter type ${filter}`);
    }
  }
  return info;
}
