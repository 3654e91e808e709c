/**
 * A file cut into consecutive byte ranges, each streamed straight from the file's download to
 * one upload request (a multipart part, an ADLS append) with its exact length, so that no range
 * is held in memory. Ranges are read in order from one sequential download; a range asked for
 * again (a retried attempt) or out of order re-opens the download and skips to it, and reading
 * continues from there.
 */
import { Readable } from 'node:stream';

export class FileSlices {
  private iterator?: AsyncIterator<Buffer | Uint8Array>;
  private source?: Readable;
  private leftover?: Buffer;
  /** Bytes of the file consumed from the current download. */
  private position = 0;

  constructor(
    private readonly open: () => Promise<Readable>,
    /** For error messages. */
    private readonly what: string,
    private readonly size: number,
  ) {}

  /** The body of `[offset, offset + length)`: a factory, called once per attempt. */
  body(offset: number, length: number): () => Readable {
    return () => Readable.from(this.range(offset, length), { objectMode: false, highWaterMark: 64 * 1024 });
  }

  /** Fails when the download holds more bytes than the listing said (call after the last range). */
  async requireEnd(): Promise<void> {
    if (this.leftover && this.leftover.length > 0) throw this.sizeError(`more than ${this.size}`);
    const next = this.iterator ? await this.iterator.next() : { done: true as const, value: undefined };
    if (!next.done && next.value.length > 0) throw this.sizeError(`more than ${this.size}`);
  }

  close(): void {
    this.source?.destroy();
  }

  private async *range(offset: number, length: number): AsyncGenerator<Buffer> {
    if (this.iterator === undefined || offset !== this.position) await this.reset(offset);
    let left = length;
    while (left > 0) {
      let chunk = this.leftover;
      this.leftover = undefined;
      if (!chunk) {
        const next = await this.iterator!.next();
        if (next.done) throw this.sizeError(String(this.position));
        chunk = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value);
      }
      if (chunk.length > left) {
        this.leftover = chunk.subarray(left);
        chunk = chunk.subarray(0, left);
      }
      left -= chunk.length;
      this.position += chunk.length;
      yield chunk;
    }
  }

  /** A new download, positioned at `offset`. */
  private async reset(offset: number): Promise<void> {
    this.source?.destroy();
    this.leftover = undefined;
    this.source = await this.open();
    this.iterator = this.source[Symbol.asyncIterator]() as AsyncIterator<Buffer | Uint8Array>;
    this.position = 0;
    while (this.position < offset) {
      const next = await this.iterator.next();
      if (next.done) throw this.sizeError(String(this.position));
      const chunk = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value);
      const skip = Math.min(chunk.length, offset - this.position);
      this.position += skip;
      if (skip < chunk.length) this.leftover = chunk.subarray(skip);
    }
  }

  private sizeError(read: string): Error {
    return new Error(`${this.what}: the download holds ${read} bytes, the listing says ${this.size}`);
  }
}
