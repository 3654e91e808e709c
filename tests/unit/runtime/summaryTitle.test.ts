/**
 * Summary section titles: the run page titles a summary with its attachment name, and the agent
 * refuses names with a character that is invalid in a file name on its OS (Windows: \ / : * ? " < > |
 * and control characters).
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stepTitle, summaryTitle, uniqueTitle } from '../../../shared/runtime/report';

describe('summary titles', () => {
  it('name what the step did and the settings-file environment', () => {
    assert.equal(stepTitle('deploy churn-scoring', 'prod'), 'Databricks - deploy churn-scoring (prod)');
    assert.equal(stepTitle('register main.ml.churn_model'), 'Databricks - register main.ml.churn_model');
  });

  it('hold no character a Windows agent refuses in an attachment name', () => {
    const title = summaryTitle('Databricks: deploy a/b\\c*?"<x>|\ty\u0001 (prod)');
    // eslint-disable-next-line no-control-regex
    assert.doesNotMatch(title, /[\\/:*?"<>|\u0000-\u001f]/);
    assert.equal(title, 'Databricks- deploy a-b-c-x-y- (prod)');
    assert.ok(summaryTitle('x'.repeat(500)).length <= 120);
    assert.equal(summaryTitle('  '), 'Databricks');
  });

  it('stay unique within a job: a second step with the same title is numbered', () => {
    const dir = mkdtempSync(join(tmpdir(), 'titles-'));
    assert.equal(uniqueTitle(dir, 'Databricks - deploy a'), 'Databricks - deploy a');
    assert.equal(uniqueTitle(dir, 'Databricks - deploy b'), 'Databricks - deploy b');
    assert.equal(uniqueTitle(dir, 'Databricks - deploy a'), 'Databricks - deploy a (2)');
    assert.equal(uniqueTitle(dir, 'Databricks - deploy a'), 'Databricks - deploy a (3)');
  });
});
