import * as assert from 'node:assert/strict';
import { buildParameters } from '../../../tasks/DatabricksRunJob/src/parameters';
import { build, CONNECTION, expectError, useTempDir, writeFile } from './support';

const FILE = `environments:
  dev:
    workspaceUrl: https://adb-1.azuredatabricks.net
    job:
      jobName: churn training
      jobParameters:
        git_sha: main
      timeoutMinutes: 180
      experimentName: /Shared/churn
`;

describe('DatabricksRunJob parameters', () => {
  const dir = useTempDir();

  it('applies the defaults in code (no task.json default hides the settings file)', () => {
    const p = build(buildParameters, { ...CONNECTION, jobId: '42' });
    assert.deepEqual(p.job, { kind: 'id', jobId: 42 });
    assert.equal(p.timeoutMinutes, 120);
    assert.equal(p.waitForCompletion, true);
    assert.equal(p.cancelOnTimeout, true);
    assert.equal(p.repairOnRetry, true);
    assert.deepEqual(p.jobParameters, []);
    assert.deepEqual(p.step, { collectionId: 'local', buildId: 'local', stage: '', job: '', step: 'DatabricksRunJob', attempt: 1 });
  });

  it("reads the job: section of the settings file; a jobId on the task replaces the file's jobName", () => {
    const configFile = writeFile(dir(), 'mlops.yml', FILE);
    const fromFile = build(buildParameters, { azureSubscription: 'c', configFile });
    assert.deepEqual(fromFile.job, { kind: 'name', jobName: 'churn training' });
    assert.equal(fromFile.timeoutMinutes, 180);
    assert.deepEqual(fromFile.jobParameters, [{ key: 'git_sha', value: 'main' }]);
    assert.equal(fromFile.experimentName, '/Shared/churn');
    const byId = build(buildParameters, { azureSubscription: 'c', configFile, jobId: '7', timeoutMinutes: '120' });
    assert.deepEqual(byId.job, { kind: 'id', jobId: 7 });
    // Given on the step, 120 wins over the file's 180 although it equals the default.
    assert.equal(byId.timeoutMinutes, 120);
  });

  it('reads the pipeline step the idempotency token comes from', () => {
    const p = build(
      buildParameters,
      { ...CONNECTION, jobId: '1' },
      { 'System.CollectionId': 'c1', 'Build.BuildId': '9', 'System.StageName': 'Train', 'System.PhaseName': 'train', 'System.TaskInstanceName': 'run', 'System.JobAttempt': '3' },
    );
    assert.deepEqual(p.step, { collectionId: 'c1', buildId: '9', stage: 'Train', job: 'train', step: 'run', attempt: 3 });
  });

  it('names the input and the rule', () => {
    expectError(() => build(buildParameters, { ...CONNECTION }), 'jobId', 'set jobId or jobName');
    expectError(() => build(buildParameters, { ...CONNECTION, jobId: '1', jobName: 'x' }), 'jobId', 'set only one of jobId and jobName');
    expectError(() => build(buildParameters, { ...CONNECTION, jobId: '1', outputTask: 'a b' }), 'outputTask', 'task key');
    expectError(() => build(buildParameters, { ...CONNECTION, jobId: '1', experimentName: 'churn' }), 'experimentName', 'starting with /');
    expectError(() => build(buildParameters, { ...CONNECTION, jobId: '1', timeoutMinutes: '10081' }), 'timeoutMinutes', '1 to 10080');
  });
});
