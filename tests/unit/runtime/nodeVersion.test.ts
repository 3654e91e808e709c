/** The Node-version guard in front of every task bundle (shared/runtime/nodeVersion.ts), as pure logic. */
import assert from 'node:assert/strict';
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
