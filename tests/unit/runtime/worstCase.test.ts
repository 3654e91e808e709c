/**
 * Each task's worst case against the 60-minute default job timeout, and the warning that names
 * the job's timeoutInMinutes (shared/runtime/worstCase.ts).
 */
import assert from 'node:assert/strict';
import { DEFAULT_JOB_TIMEOUT_MINUTES, jobTimeoutWarning, longestPath, suggestedJobTimeout, worstCaseMinutes } from '../../../shared/runtime/worstCase';
import { createMonitorWorstCase } from '../../../tasks/DatabricksCreateMonitor/src/worstCase';
import { deployServingWorstCase } from '../../../tasks/DatabricksDeployServing/src/worstCase';
import { refreshMonitorsWorstCase } from '../../../tasks/DatabricksRefreshMonitors/src/worstCase';
import { registerModelWorstCase } from '../../../tasks/DatabricksRegisterModel/src/worstCase';
import { runJobWorstCase } from '../../../tasks/DatabricksRunJob/src/worstCase';

const total = worstCaseMinutes;

describe('worst case against the job timeout', () => {
  it('warns only above the 60-minute default and names timeoutInMinutes with a figure that covers the worst case', () => {
    assert.equal(DEFAULT_JOB_TIMEOUT_MINUTES, 60);
    assert.equal(jobTimeoutWarning('T', [{ minutes: 60, what: 'a' }]), undefined);
    const warning = jobTimeoutWarning('T', [
      { minutes: 45, what: 'for a' },
      { minutes: 45, what: 'for b' },
      { minutes: 0, what: 'for nothing' },
    ])!;
    assert.match(warning, /^T can run for up to 90 min with these inputs \(45 min for a \+ 45 min for b\), longer than the 60-minute default job timeout/);
    assert.match(warning, /set the job's timeoutInMinutes to at least 95 /);
    assert.doesNotMatch(warning, /nothing/);
    assert.equal(suggestedJobTimeout([{ minutes: 121, what: '' }]), 130, 'worst case + 5 min, rounded up to 5');
    assert.equal(suggestedJobTimeout([{ minutes: 70, what: '' }]), 75);
  });

  it('longestPath picks the longest way a run can go', () => {
    const a = [{ minutes: 10, what: 'a' }];
    const b = [
      { minutes: 6, what: 'b' },
      { minutes: 6, what: 'c' },
    ];
    assert.deepEqual(longestPath([a, b]), b);
    assert.deepEqual(longestPath([]), []);
  });

  it('DeployServing: rollout, then on a readiness timeout the rollback waits for the update to settle and for the restored config', () => {
    const base = {
      traffic: { mode: 'replace' as const },
      timeoutMinutes: 45,
      waitForReady: true,
      rollbackOnFailure: true,
      smokeTestPayload: undefined,
      verifyInferenceLogMinutes: 0,
    };
    assert.equal(total(deployServingWorstCase(base)), 135);
    assert.equal(total(deployServingWorstCase({ ...base, timeoutMinutes: 15 })), 45);
    assert.equal(total(deployServingWorstCase({ ...base, rollbackOnFailure: false })), 45);
    assert.equal(total(deployServingWorstCase({ ...base, waitForReady: false })), 45, 'only the wait on an update in progress remains');
    // No rollback: rollout + smoke request (300 s) + inference-log check.
    assert.equal(total(deployServingWorstCase({ ...base, rollbackOnFailure: false, smokeTestPayload: { inputs: [1] }, verifyInferenceLogMinutes: 30 })), 45 + 5 + 30);
    // With a rollback, the longest of: success with the log check (10+5+60), timeout + settle + restore (30), smoke failure + restore (25).
    assert.equal(total(deployServingWorstCase({ ...base, timeoutMinutes: 10, smokeTestPayload: { inputs: [1] }, verifyInferenceLogMinutes: 60 })), 75);
    assert.match(jobTimeoutWarning('DatabricksDeployServing', deployServingWorstCase(base))!, /up to 135 min .*rollback.*timeoutInMinutes to at least 140/);
    // trafficMode rollback: an update in progress may end, then the restored config must be ready.
    assert.equal(total(deployServingWorstCase({ ...base, traffic: { mode: 'rollback' } })), 90);
    assert.equal(total(deployServingWorstCase({ ...base, traffic: { mode: 'rollback' }, waitForReady: false })), 45);
  });

  it('RunJob: timeoutMinutes plus the wait for a cancelled run; nothing without waitForCompletion', () => {
    assert.equal(total(runJobWorstCase({ waitForCompletion: true, timeoutMinutes: 120, cancelOnTimeout: true })), 121);
    assert.equal(total(runJobWorstCase({ waitForCompletion: true, timeoutMinutes: 120, cancelOnTimeout: false })), 120);
    assert.equal(total(runJobWorstCase({ waitForCompletion: false, timeoutMinutes: 120, cancelOnTimeout: true })), 0);
    assert.equal(jobTimeoutWarning('DatabricksRunJob', runJobWorstCase({ waitForCompletion: true, timeoutMinutes: 30, cancelOnTimeout: true })), undefined);
  });

  it('RegisterModel and CreateMonitor: their READY / ACTIVE wait', () => {
    assert.equal(total(registerModelWorstCase({ timeoutMinutes: 20 })), 20);
    assert.equal(total(registerModelWorstCase({ timeoutMinutes: 90 })), 90);
    assert.equal(total(createMonitorWorstCase({ timeoutMinutes: 15 })), 15);
    assert.equal(total(createMonitorWorstCase({ timeoutMinutes: 120 })), 120);
  });

  it('RefreshMonitors: one deadline for every refresh, plus the drift gate reads per table', () => {
    const base = { waitForCompletion: true, timeoutMinutes: 60, thresholds: [], tables: ['a.b.c', 'a.b.d'], schemaName: undefined };
    assert.equal(total(refreshMonitorsWorstCase(base)), 60);
    assert.equal(total(refreshMonitorsWorstCase({ ...base, waitForCompletion: false })), 0);
    const gated = { ...base, timeoutMinutes: 30, thresholds: [{}] as never };
    assert.equal(total(refreshMonitorsWorstCase(gated)), 30 + 2 * 2 * 10);
    assert.equal(total(refreshMonitorsWorstCase({ ...gated, tables: [], schemaName: 'a.b' })), 30 + 2 * 10);
  });
});
