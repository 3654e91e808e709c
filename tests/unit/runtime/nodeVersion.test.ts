/** The Node-version guard in front of every task bundle (shared/runtime/nodeVersion.ts), as pure logic. */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { enforceNodeVersion, MINIMUM_NODE_MAJOR, nodeVersionProblem } from '../../../shared/runtime/nodeVersion';

describe('Node version guard', () => {
  it('accepts Node 20 and later (the Node20_1 and Node24 handlers)', () => {
    for (const v of ['20.0.0', '20.13.1', '22.11.0', '24.10.0', 'v24.1.0']) assert.equal(nodeVersionProblem(v), undefined, v);
    assert.equal(MINIMUM_NODE_MAJOR, 20);
  });

  it("rejects Node 16 (the agent's glibc fallback) and older, saying why and what to do", () => {
    const message = nodeVersionProblem('16.20.2', '4.252.0');
    assert.ok(message);
    assert.match(message, /needs Node\.js 20 or later, but the agent \(agent 4\.252\.0\) started it on Node\.js 16\.20\.2/);
    assert.match(message, /glibc 2\.28/);
    assert.match(message, /agent 4\.248\.0 or later/);
    for (const v of ['18.20.4', '10.24.1', '6.17.1', 'garbage']) assert.ok(nodeVersionProblem(v), v);
  });

  it("reads its text from the culture's resources.resjson beside the bundle (no tl.loc), else the English one", () => {
    const dir = mkdtempSync(join(tmpdir(), 'guard-'));
    try {
      mkdirSync(join(dir, 'Strings', 'resources.resjson', 'de-DE'), { recursive: true });
      writeFileSync(
        join(dir, 'Strings', 'resources.resjson', 'de-DE', 'resources.resjson'),
        '\uFEFF' +
          JSON.stringify({
            'loc.messages.NodeVersionTooOld': 'Diese Aufgabe braucht Node.js %s (100%% sicher), der Agent%s startete Node.js %s.',
            'loc.messages.NodeVersionAgent': ' (Agent %s)',
          }),
      );
      assert.equal(
        nodeVersionProblem('16.20.2', '4.252.0', { dir, culture: 'de-de' }),
        'Diese Aufgabe braucht Node.js 20 (100% sicher), der Agent (Agent 4.252.0) startete Node.js 16.20.2.',
      );
      const english = nodeVersionProblem('16.20.2', undefined, { dir, culture: 'fr-FR' });
      assert.match(english ?? '', /^This task needs Node\.js 20 or later, but the agent started it on Node\.js 16\.20\.2\. /);
      assert.equal(nodeVersionProblem('16.20.2', undefined, { dir: join(dir, 'absent'), culture: 'de-DE' }), english);
      const written: string[] = [];
      enforceNodeVersion(
        '16.20.2',
        undefined,
        (t) => written.push(t),
        () => undefined,
        { dir, culture: 'de-DE' },
      );
      assert.match(written.join(''), /^##vso\[task\.issue type=error;\]Diese Aufgabe braucht Node\.js 20 \(100%AZP25 sicher\)/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes an error issue and a Failed task.complete, then exits 1, only when too old', () => {
    const written: string[] = [];
    const exits: number[] = [];
    enforceNodeVersion(
      '20.20.2',
      undefined,
      (t) => written.push(t),
      (c) => exits.push(c),
    );
    assert.deepEqual([written, exits], [[], []]);
    enforceNodeVersion(
      '16.20.2',
      undefined,
      (t) => written.push(t),
      (c) => exits.push(c),
    );
    assert.deepEqual(exits, [1]);
    const lines = written.join('').trimEnd().split('\n');
    assert.equal(lines.length, 2);
    assert.match(lines[0], /^##vso\[task\.issue type=error;\]This task needs Node\.js 20/);
    assert.match(lines[1], /^##vso\[task\.complete result=Failed;done=true;\]This task needs Node\.js 20/);
  });
});
