import assert from 'node:assert/strict';
import { createOnce } from '../../../shared/client/createOnce';
import { apiError, networkError } from './helpers';

describe('createOnce: a create never duplicated by a retry', () => {
  function scenario(answers: Array<'ok' | 'lost' | 'exists' | 'bad'>, stored: Array<string | undefined>) {
    const calls: string[] = [];
    const messages: string[] = [];
    let sent = 0;
    let read = 0;
    const run = createOnce<string>({
      create: async () => {
        const answer = answers[sent++];
        calls.push(`create:${answer}`);
        if (answer === 'lost') throw sent === 1 ? apiError(504, 'DEADLINE_EXCEEDED') : networkError('TIMEOUT', 'POST');
        if (answer === 'exists') throw apiError(409, 'RESOURCE_ALREADY_EXISTS');
        if (answer === 'bad') throw apiError(400, 'INVALID_PARAMETER_VALUE');
        return 'created';
      },
      find: async () => {
        calls.push('find');
        return stored[read++];
      },
      matches: (found) => found === 'same',
      what: 'the thing',
      onRecovered: (m) => messages.push(m),
    });
    return { run, calls, messages };
  }

  it('a lost answer, then the object is found: no second create', async () => {
    const s = scenario(['lost'], ['same']);
    assert.equal(await s.run, 'same');
    assert.deepEqual(s.calls, ['create:lost', 'find']);
    assert.match(s.messages[0]!, /answer to the create of the thing was lost .*it exists, so it was not created again/);
  });

  it('a lost answer, not found yet: sent again', async () => {
    const s = scenario(['lost', 'ok'], [undefined]);
    assert.equal(await s.run, 'created');
    assert.deepEqual(s.calls, ['create:lost', 'find', 'create:ok']);
  });

  it('"already exists" after a lost answer is success when the object matches, an error when it does not', async () => {
    const same = scenario(['lost', 'exists'], [undefined, 'same']);
    assert.equal(await same.run, 'same');
    assert.match(same.messages[0]!, /sent again after a lost answer .* exists as asked for/);
    const other = scenario(['lost', 'exists'], [undefined, 'other']);
    await assert.rejects(other.run, /created by someone else meanwhile, with other settings/);
  });

  it('"already exists" without a lost answer, and any other error, are thrown as they are', async () => {
    await assert.rejects(scenario(['exists'], ['same']).run, /RESOURCE_ALREADY_EXISTS/);
    await assert.rejects(scenario(['bad'], []).run, /INVALID_PARAMETER_VALUE/);
  });

  it('gives up after three lost answers with the last error', async () => {
    const s = scenario(['lost', 'lost', 'lost'], [undefined, undefined]);
    await assert.rejects(s.run, /TIMEOUT/);
    assert.deepEqual(s.calls, ['create:lost', 'find', 'create:lost', 'find', 'create:lost']);
  });
});
