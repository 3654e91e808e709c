/** Loading a release stage's reports (ui/src/releaseAttachments.ts) against a fake ReleaseRestClient, in Node. */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { repoRoot } from '../helpers/repo';
import type { ReleaseAttachmentsClient, ReleaseLike } from '../../ui/src/releaseAttachments';
import { loadStageReports, stageReference } from '../../ui/src/releaseAttachments';

const fixture = (name: string): ArrayBuffer => {
  const bytes = readFileSync(join(repoRoot(), 'tests', 'ui', 'fixtures', name));
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
};

function client(release: ReleaseLike, attachments: Record<string, string[]>, calls: string[]): ReleaseAttachmentsClient {
  return {
    async getRelease(project, releaseId) {
      calls.push(`release ${project} ${releaseId}`);
      return release;
    },
    async getReleaseTaskAttachments(_project, releaseId, environmentId, attempt, planId, type) {
      calls.push(`list ${releaseId}/${environmentId}/${attempt}/${planId} ${type}`);
      return (attachments[`${attempt}/${planId}`] ?? []).map((name, i) => ({ name, timelineId: 'tl', recordId: `r${i}` }));
    },
    async getReleaseTaskAttachmentContent(_project, _releaseId, _environmentId, attempt, planId, timelineId, recordId, _type, name) {
      calls.push(`get ${attempt}/${planId}/${timelineId}/${recordId}/${name}`);
      if (name === 'missing.json') throw new Error('HTTP 404');
      return fixture(name);
    },
  };
}

describe('release-stage reports', () => {
  it('reads the stage reference from the configuration or an updateContext argument', () => {
    assert.deepEqual(stageReference({ id: 5, releaseId: 9, name: 'Prod' }), { releaseId: 9, id: 5, name: 'Prod' });
    assert.deepEqual(stageReference({ releaseEnvironment: { id: 5, releaseId: 9 } }), { releaseId: 9, id: 5, name: undefined });
    assert.deepEqual(stageReference({ id: 5, release: { id: 9 } }), { releaseId: 9, id: 5, name: undefined });
    for (const bad of [undefined, null, 'x', {}, { id: 5 }, { id: 0, releaseId: 9 }]) assert.equal(stageReference(bad), undefined);
  });

  it('reads every plan of the latest attempt, whatever the order of deploySteps, and skips phases without a plan', async () => {
    const calls: string[] = [];
    const release: ReleaseLike = {
      id: 9,
      environments: [
        {
          id: 5,
          name: 'Prod',
          deploySteps: [
            { attempt: 3, releaseDeployPhases: [{ runPlanId: 'p3a' }, { runPlanId: null }, { runPlanId: 'p3b' }] },
            { attempt: 1, releaseDeployPhases: [{ runPlanId: 'p1' }] },
          ],
        },
      ],
    };
    const stage = await loadStageReports(
      client(release, { '3/p3a': ['deployment-rollback.json', 'missing.json'], '3/p3b': ['drift-detected.json'], '1/p1': ['deployment-plan.json'] }, calls),
      'proj',
      { releaseId: 9, id: 5 },
    );
    assert.equal(stage.state, 'loaded');
    assert.ok(stage.state === 'loaded');
    assert.equal(stage.attempt, 3);
    assert.equal(stage.stageName, 'Prod');
    assert.deepEqual(
      stage.reports.map((r) => (r.ok ? r.report.kind : `error:${r.error}`)),
      ['drift', 'deployment', 'error:HTTP 404'],
    );
    assert.ok(!calls.some((c) => c.includes('p1')), 'attempt 1 is not read');
    assert.deepEqual(calls.filter((c) => c.startsWith('list')).sort(), ['list 9/5/3/p3a databricks-mlops-report', 'list 9/5/3/p3b databricks-mlops-report']);
  });

  it('says when the stage was not deployed, and fails clearly for an unknown stage', async () => {
    const release: ReleaseLike = { id: 9, name: 'Release-9', environments: [{ id: 5, name: 'QA', deploySteps: [] }] };
    assert.deepEqual(await loadStageReports(client(release, {}, []), 'p', { releaseId: 9, id: 5 }), { state: 'not-deployed', stageName: 'QA' });
    await assert.rejects(loadStageReports(client(release, {}, []), 'p', { releaseId: 9, id: 6 }), /Release-9 has no stage with id 6/);
  });
});
