import * as assert from 'node:assert/strict';
import { quartzCronProblem } from '../../../shared/monitoring/quartz';

describe('Quartz cron validation', () => {
  for (const valid of [
    '0 0 0 * * ?',
    '0 30 6 ? * MON-FRI',
    '0 30 6 ? * mon-fri',
    '0 0/15 * * * ?',
    '*/10 * * * * ?',
    '0 0 10,14,16 * * ?',
    '0 0 12 1/5 * ?',
    '0 0 12 1-10/3 * ?',
    '0 15 10 L * ?',
    '0 15 10 L-2 * ?',
    '0 15 10 LW * ?',
    '0 15 10 15W * ?',
    '0 15 10 ? * L',
    '0 15 10 ? * 6L',
    '0 15 10 ? * FRIL',
    '0 15 10 ? * FRI#3',
    '0 15 10 ? * 6#5',
    '0 0 12 ? JAN,MAR,DEC SUN',
    '0 0 12 ? * 1-7',
    '0 0 22-2 * * ?',
    '0 0 0 ? * FRI-MON',
    '0 0 0 1 1 ? 2030',
    '0 0 0 1 1 ? 2025-2030/2',
    '0 0 0 * * ? *',
    '59 59 23 31 12 ? 2099',
  ]) {
    it(`accepts "${valid}"`, () => {
      assert.equal(quartzCronProblem(valid), undefined);
    });
  }

  for (const [invalid, problem] of [
    ['0 0 * * *', 'has 5 fields (Unix cron); Quartz needs 6 or 7'],
    ['0 0 0 * * ? 2030 x', 'has 8 fields; Quartz needs 6 or 7'],
    ['0 0 0 *', 'has 4 fields'],
    ['60 0 0 * * ?', 'seconds field "60": "60" is not a value from 0 to 59'],
    ['0 60 0 * * ?', 'minutes field "60"'],
    ['0 0 24 * * ?', 'hours field "24": "24" is not a value from 0 to 23'],
    ['0 0 0 0 * ?', 'day-of-month field "0": "0" is not a value from 1 to 31'],
    ['0 0 0 32 * ?', 'day-of-month field "32"'],
    ['0 0 0 * 13 ?', 'month field "13": "13" is not a value from 1 to 12 or JAN-DEC'],
    ['0 0 0 * FOO ?', 'month field "FOO"'],
    ['0 0 0 ? * 8', 'day-of-week field "8": "8" is not a value from 1 to 7 or SUN-SAT'],
    ['0 0 0 ? * MON#6', 'day-of-week field "MON#6": n#k needs k from 1 to 5'],
    ['0 0 0 ? * XYZ#2', '"XYZ" is not a day of the week'],
    ['0 0 0 ? * 9L', '"9" is not a day of the week'],
    ['0 0 0 ? * 2L,3', 'L and # are only allowed alone'],
    ['0 0 0 * * *', 'exactly one of day-of-month and day-of-week must be "?"'],
    ['0 0 0 1 * 2', 'exactly one of day-of-month and day-of-week must be "?"'],
    ['0 0 0 ? * ?', 'day-of-month and day-of-week cannot both be "?"'],
    ['? 0 0 * * ?', 'seconds field "?": "?" is only allowed in day-of-month and day-of-week'],
    ['0 0 0 * ? ?', 'month field "?"'],
    ['0 0/0 * * * ?', 'the increment "0" must be an integer from 1 to 59'],
    ['0 0/60 * * * ?', 'the increment "60" must be an integer from 1 to 59'],
    ['0 0 0/x * * ?', 'the increment "x"'],
    ['0 0 0 1 1 ? 1969', 'year field "1969"'],
    ['0 0 0 1 1 ? 2030-2025', 'the range "2030-2025" goes backwards'],
    ['0 0 0 L,5 * ?', 'L and W are only allowed alone'],
    ['0 0 0 1-5W * ?', 'L and W are only allowed alone'],
    ['0 0 0 L-31 * ?', 'L-n needs n from 0 to 30'],
    ['0 0 0 32W * ?', 'nW needs a day from 1 to 31'],
    ['0 0 0 1,,2 * ?', 'has an empty list item'],
    ['0 0 0 1-2-3 * ?', '"1-2-3" is not a value or a range a-b'],
    ['0 0 0 1/2/3 * ?', '"1/2/3" has more than one /'],
    ['0 0 0 -5 * ?', '"" is not a value'],
  ]) {
    it(`rejects "${invalid}": ${problem}`, () => {
      const found = quartzCronProblem(invalid);
      assert.ok(found?.includes(problem), `expected "${problem}" in ${String(found)}`);
    });
  }
});
