/**
 * Every bundled task, started the way the agent starts it but on a simulated Node 16 (the agent's
 * fallback on hosts with glibc < 2.28): it fails at once with the guard's message, before any
 * module of the task runs (nothing else is printed, no request is sent).
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../helpers/repo';
import { runTask } from '../../helpers/runTask';

const root = repoRoot();
const tasks = readdirSync(join(root, 'tasks')).filter((name) => existsSync(join(root, 'tasks', name, 'task.json')));
const preload = join(__dirname, '..', '..', 'helpers', 'oldNodePreload.js');

describe('bundled tasks on an older Node (agent fallback to Node 16)', function () {
  this.timeout(60_000);

  for (const task of tasks) {
    it(`${task}: fails at once with a message naming the Node version and the fix`, async () => {
      const run = await runTask({
        task,
        env: { NODE_OPTIONS: `--require ${JSON.stringify(preload)}`, OLD_NODE_VERSION: '16.20.2', AGENT_VERSION: '4.252.0', SYSTEM_DEBUG: 'true' },
        inputs: { azureSubscription: 'c0ffee00-0000-4000-8000-000000000001' },
      });
      assert.equal(run.exitCode, 1, run.stdout + run.stderr);
      assert.equal(run.result, 'Failed');
      assert.match(run.resultMessage ?? '', /needs Node\.js 20 or later, but the agent \(agent 4\.252\.0\) started it on Node\.js 16\.20\.2/);
      assert.match(run.resultMessage ?? '', /glibc 2\.28/);
      assert.equal(run.stderr, '', 'no crash');
      // Only the guard's two lines: no module of the task (task-lib's debug output included) ran.
      assert.equal(run.stdout.trimEnd().split('\n').length, 2, run.stdout);
    });
  }

  it('the guard is the first code of each bundle', () => {
    for (const task of tasks) {
      const head = readFileSync(join(root, 'tasks', task, 'index.js'), 'utf8').slice(0, 2_000);
      assert.match(head, /This task needs Node\.js/, task);
    }
  });

  it('on Node 20 the same preload (version only) lets the task run normally', async () => {
    const run = await runTask({
      task: tasks[0],
      env: { NODE_OPTIONS: `--require ${JSON.stringify(preload)}`, OLD_NODE_VERSION: '20.0.0' },
      inputs: {},
    });
    assert.doesNotMatch(run.stdout, /needs Node\.js 20/);
    assert.equal(run.result, 'Failed', 'fails on its missing inputs instead');
    assert.match(run.resultMessage ?? '', /azureSubscription|input/i);
  });
});
