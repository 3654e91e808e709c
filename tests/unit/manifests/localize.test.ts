/**
 * scripts/localize.mjs: task.loc.json and Strings/resources.resjson/en-US/resources.resjson
 * generated from task.json as microsoft/azure-pipelines-tasks' make-util.js does. The packaged result is checked in tests/package/vsix.test.ts.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from '../../helpers/repo';
import type * as LocalizeModule from '../../../scripts/localize.mjs' with { 'resolution-mode': 'import' };

describe('task localization files', () => {
  let l: typeof LocalizeModule;
  before(async () => {
    l = (await import(pathToFileURL(join(repoRoot(), 'scripts', 'localize.mjs')).href)) as typeof LocalizeModule;
  });

  const task = {
    id: 'x',
    friendlyName: 'Databricks: run a job',
    description: 'Runs a job.',
    helpMarkDown: 'More [here](https://example.org).',
    instanceNameFormat: 'Run $(jobName)',
    groups: [{ name: 'job', displayName: 'Job', isExpanded: true }],
    inputs: [
      { name: 'jobName', type: 'string', label: 'Job name', helpMarkDown: 'The job.', groupName: 'job' },
      { name: 'dryRun', type: 'boolean', label: 'Dry run' },
    ],
    messages: { Started: 'Started run %s.' },
  };

  it('keys every string as loc.* and points task.loc.json at it with ms-resource:', () => {
    const { resources, loc } = l.localize(task);
    assert.deepEqual(resources, {
      'loc.friendlyName': 'Databricks: run a job',
      'loc.helpMarkDown': 'More [here](https://example.org).',
      'loc.description': 'Runs a job.',
      'loc.instanceNameFormat': 'Run $(jobName)',
      'loc.group.displayName.job': 'Job',
      'loc.input.label.jobName': 'Job name',
      'loc.input.help.jobName': 'The job.',
      'loc.input.label.dryRun': 'Dry run',
      'loc.messages.Started': 'Started run %s.',
    });
    assert.equal(loc.friendlyName, 'ms-resource:loc.friendlyName');
    assert.equal(loc.groups[0]!.displayName, 'ms-resource:loc.group.displayName.job');
    assert.deepEqual(loc.inputs[0], {
      name: 'jobName',
      type: 'string',
      label: 'ms-resource:loc.input.label.jobName',
      helpMarkDown: 'ms-resource:loc.input.help.jobName',
      groupName: 'job',
    });
    assert.deepEqual(loc.inputs[1], { name: 'dryRun', type: 'boolean', label: 'ms-resource:loc.input.label.dryRun' }, 'no help key for an input without help');
    assert.deepEqual(loc.messages, { Started: 'ms-resource:loc.messages.Started' });
    assert.equal(loc.id, 'x');
    assert.equal(task.friendlyName, 'Databricks: run a job', 'task.json is left as it is');
  });

  it('writes resources.resjson under Strings/resources.resjson/en-US', () => {
    assert.equal(l.RESJSON_PATH.replace(/\\/g, '/'), 'Strings/resources.resjson/en-US/resources.resjson');
  });
});
