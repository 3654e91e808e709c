/**
 * Log groups (shared/runtime/output.ts): `##[group]` … `##[endgroup]` around a wait, always
 * closed, never nested.
 */
import assert from 'node:assert/strict';
import { logGroups } from '../../../shared/runtime/output';

function recorder() {
  const lines: string[] = [];
  return { lines, ...logGroups((l) => lines.push(l)) };
}

describe('log groups', () => {
  it('wraps a synchronous body and returns its value', () => {
    const r = recorder();
    assert.equal(
      r.group('Poll', () => (r.lines.push('a'), 7)),
      7,
    );
    assert.deepEqual(r.lines, ['##[group]Poll', 'a', '##[endgroup]']);
  });

  it('closes the group when an async body resolves, rejects or throws', async () => {
    const r = recorder();
    assert.equal(await r.group('ok', async () => 'done'), 'done');
    await assert.rejects(
      r.group('late failure', () => Promise.reject(new Error('boom'))),
      /boom/,
    );
    assert.throws(
      () =>
        r.group('sync failure', () => {
          throw new Error('bang');
        }),
      /bang/,
    );
    assert.deepEqual(r.lines, ['##[group]ok', '##[endgroup]', '##[group]late failure', '##[endgroup]', '##[group]sync failure', '##[endgroup]']);
  });

  it('does not nest: a group asked for inside an open one adds to it', async () => {
    const r = recorder();
    await r.group('outer', async () => {
      r.lines.push('1');
      await r.group('inner', async () => void r.lines.push('2'));
      r.lines.push('3');
    });
    assert.deepEqual(r.lines, ['##[group]outer', '1', '2', '3', '##[endgroup]']);
  });

  it('closeOpen ends a group still open (the cancellation exit) and the body ending later adds no second endgroup', async () => {
    const r = recorder();
    let release!: () => void;
    const wait = r.group('Waiting', () => new Promise<void>((resolve) => (release = resolve)));
    r.closeOpen();
    r.closeOpen();
    release();
    await wait;
    assert.deepEqual(r.lines, ['##[group]Waiting', '##[endgroup]']);
  });

  it('keeps a title on one line', () => {
    const r = recorder();
    r.group('a\r\nb', () => undefined);
    assert.deepEqual(r.lines, ['##[group]a b', '##[endgroup]']);
  });
});
