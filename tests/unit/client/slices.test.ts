import * as assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { FileSlices } from '../../../shared/client/slices';

const DATA = Buffer.from('0123456789abcdefghij');

async function text(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString();
}

/** A download in 3-byte chunks; counts how often it was opened. */
function source(data = DATA) {
  const opened = { count: 0 };
  const open = () => {
    opened.count++;
    const chunks: Buffer[] = [];
    for (let i = 0; i < data.length; i += 3) chunks.push(data.subarray(i, i + 3));
    return Promise.resolve(Readable.from(chunks));
  };
  return { open, opened };
}

describe('FileSlices: ranges streamed from one download', () => {
  it('reads consecutive ranges from a single download', async () => {
    const { open, opened } = source();
    const slices = new FileSlices(open, 'f', DATA.length);
    assert.equal(await text(slices.body(0, 8)()), '01234567');
    assert.equal(await text(slices.body(8, 8)()), '89abcdef');
    assert.equal(await text(slices.body(16, 4)()), 'ghij');
    await slices.requireEnd();
    assert.equal(opened.count, 1);
  });

  it('a range asked for again re-opens the download, skips to it, and continues from there', async () => {
    const { open, opened } = source();
    const slices = new FileSlices(open, 'f', DATA.length);
    const part2 = slices.body(8, 8);
    assert.equal(await text(slices.body(0, 8)()), '01234567');
    assert.equal(await text(part2()), '89abcdef');
    assert.equal(await text(part2()), '89abcdef', 'the retried attempt sends the same bytes');
    assert.equal(await text(slices.body(16, 4)()), 'ghij');
    assert.equal(opened.count, 2);
  });

  it('says when the download is shorter or longer than the listing', async () => {
    const short = new FileSlices(source(DATA.subarray(0, 10)).open, 'f', 20);
    await assert.rejects(text(short.body(0, 20)()), /f: the download holds 10 bytes, the listing says 20/);
    const long = new FileSlices(source().open, 'f', 10);
    assert.equal(await text(long.body(0, 10)()), '0123456789');
    await assert.rejects(long.requireEnd(), /more than 10 bytes/);
  });
});
