import assert from 'node:assert/strict';
import type { AiGatewayConfig, CreateServingEndpoint, EndpointCoreConfigInput } from '@databricks/sdk-experimental/dist/apis/serving/model';
import { CancelledError } from '../../../shared/client/errors';
import type { DatabricksClient } from '../../../shared/client/databricksClient';
import { runPhases, type TaskContext } from '../../../shared/runtime/task';
import { applyDeploy, planDeploy, plannedDeploy } from '../../../tasks/DatabricksDeployServing/src/operations';
import type { DeployServingParameters } from '../../../tasks/DatabricksDeployServing/src/parameters';
import { deployServingPhases } from '../../../tasks/DatabricksDeployServing/src/phases';
import { testDeps } from '../../helpers/taskPhases';
import { isRecordTag, readRecord } from '../../../tasks/DatabricksDeployServing/src/rollbackRecord';
import type { RecordedRequest } from '../../fake/workspace';
import { seedServingEndpoint } from '../../fake/seeds/serving';
import { MODEL, params, startWorld, type World } from './support';

/** A deployment's plan then apply (plan mode: its planned outcome), as the runner runs them; retention left out. */
async function deployServing(d: { client: DatabricksClient; ctx: TaskContext }, p: DeployServingParameters) {
  const { outcome } = await runPhases(
    { plan: planDeploy, planLines: (plan) => deployServingPhases.planLines?.(plan), planned: (_deps, plan) => plannedDeploy(plan), apply: applyDeploy },
    testDeps(d.client, d.ctx),
    p,
  );
  return outcome;
}

const EP = 'churn-scoring';
const CONFIG_PATH = `/api/2.0/serving-endpoints/${EP}/config`;

function writes(w: World): RecordedRequest[] {
  return w.ws.writeRequests();
}

function servedPairs(w: World): Array<[string, string, number]> {
  const ep = w.ws.state.serving.get(EP)!;
  const d = w.ws.state.serving.detailed(ep);
  return (d.config?.served_entities ?? []).map((e) => [
    e.name!,
    e.entity_version!,
    d.config!.traffic_config!.routes!.find((r) => r.served_entity_name === e.name)!.traffic_percentage,
  ]);
}

/** Ends someone else's held rollout once the task has read the endpoint `reads` times since now. */
function endOtherUpdateAfterReads(w: World, reads: number): void {
  let seen = 0;
  const stop = w.ws.onAnswered((q) => {
    if (q.method !== 'GET' || q.path !== `/api/2.0/serving-endpoints/${EP}` || ++seen < reads) return;
    w.ws.state.serving.endRollout(EP);
    stop();
  });
}

function seedV7(w: World, extra: Partial<Parameters<typeof seedServingEndpoint>[1]> = {}): void {
  seedServingEndpoint(w.ws, {
    name: EP,
    served: [{ model: MODEL, version: 7 }],
    inferenceTable: { catalog: 'main', schema: 'ml_logs', prefix: 'churn_scoring' },
    tags: [{ key: 'owner', value: 'mlops' }],
    notifyOnFailure: ['mlops@contoso.com'],
    ...extra,
  });
}

describe('DeployServing operations (against the fake workspace)', function () {
  let w: World;
  before(async () => {
    w = await startWorld();
  });
  after(() => w.close());
  beforeEach(() => w.reset());

  it('creates a missing endpoint with everything in the create request, waits until ready and smoke-tests it', async () => {
    // The 60 s rollout also lasts three reads: the wait polls more than once on any machine.
    w.ws.state.serving.rolloutReads = 3;
    const r = await deployServing({ client: w.client(), ctx: w.ctx }, params({ rateLimitPerMinute: 120 }));
    assert.equal(r.result, 'Succeeded', r.message);
    const posts = writes(w).filter((q) => q.method === 'POST' && q.path === '/api/2.0/serving-endpoints');
    assert.equal(posts.length, 1);
    const body = posts[0]!.body as CreateServingEndpoint;
    assert.deepEqual(body.config?.served_entities, [
      { name: 'churn_model-8', entity_name: MODEL, entity_version: '8', workload_size: 'Small', workload_type: 'CPU', scale_to_zero_enabled: true },
    ]);
    assert.deepEqual(body.config?.traffic_config, { routes: [{ served_entity_name: 'churn_model-8', traffic_percentage: 100 }] });
    assert.deepEqual(body.ai_gateway, {
      inference_table_config: { catalog_name: 'main', schema_name: 'ml_logs', table_name_prefix: 'churn_scoring', enabled: true },
      rate_limits: [{ calls: 120, key: 'endpoint', renewal_period: 'minute' }],
    });
    assert.deepEqual(body.tags, [{ key: 'owner', value: 'mlops' }]);
    assert.deepEqual(body.email_notifications, { on_update_failure: ['mlops@contoso.com'] });
    // Nothing but the create and the smoke test was written.
    assert.deepEqual(
      writes(w).map((q) => `${q.method} ${q.path}`),
      ['POST /api/2.0/serving-endpoints', `POST /serving-endpoints/${EP}/invocations`],
    );
    assert.deepEqual(servedPairs(w), [['churn_model-8', '8', 100]]);

    assert.equal(r.outputs.endpointUrl, `${w.ws.url}/serving-endpoints/${EP}/invocations`);
    assert.equal(r.outputs.endpointId, w.ws.state.serving.get(EP)!.id);
    assert.equal(r.outputs.servedEntityName, 'churn_model-8');
    assert.equal(r.outputs.servedVersion, '8');
    assert.equal(r.outputs.inferenceTableName, 'main.ml_logs.churn_scoring_payload');
    assert.equal(r.report.action, 'create');
    // The 60 s rollout; an upper bound is not meaningful at 1000× compression (1 ms of overhead = 1 s).
    assert.ok(r.report.timeToReadySeconds! >= 59, `time to ready ${r.report.timeToReadySeconds}`);
    assert.ok(r.report.polls! > 1);
    assert.equal(r.report.smokeTest?.ok, true);
    assert.equal(r.report.smokeTest?.predictions, 2);
    // The smoke request is in the payload table the monitor engineers read.
    const rows = w.ws.state.serving.payloadRows.get('main.ml_logs.churn_scoring_payload')!;
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.status_code, 200);
    assert.equal(JSON.parse(rows[0]!.response).predictions.length, 2);
    // One status line per change, not per poll.
    const statuses = w.lines.filter((l) => l.kind === 'remote' && l.text.startsWith(`${EP}: config_update`)).map((l) => l.text);
    assert.ok(statuses.length >= 1 && statuses.length <= 3, statuses.join('\n'));
    assert.equal(new Set(statuses).size, statuses.length);
    assert.ok(w.lines.some((l) => l.kind === 'progress'));
  });

  it('replace: the new version alone with 100%, tags and notifications untouched when equal', async () => {
    seedV7(w);
    const r = await deployServing({ client: w.client(), ctx: w.ctx }, params());
    assert.equal(r.result, 'Succeeded', r.message);
    // The served config is recorded on the endpoint (rollback record tags) before the PUT.
    assert.deepEqual(
      writes(w).map((q) => `${q.method} ${q.path}`),
      [`PATCH /api/2.0/serving-endpoints/${EP}/tags`, `PUT ${CONFIG_PATH}`, `POST /serving-endpoints/${EP}/invocations`],
    );
    const record = readRecord((writes(w)[0]!.body as { add_tags: Array<{ key: string; value: string }> }).add_tags);
    assert.equal(record.kind, 'ok');
    assert.deepEqual(record.kind === 'ok' && record.config.traffic, { 'churn_model-7': 100 });
    const put = writes(w)[1]!.body as EndpointCoreConfigInput;
    assert.deepEqual(put.traffic_config, { routes: [{ served_entity_name: 'churn_model-8', traffic_percentage: 100 }] });
    assert.deepEqual(servedPairs(w), [['churn_model-8', '8', 100]]);
    assert.equal(r.report.action, 'update');
    assert.deepEqual(
      r.report.before.map((e) => [e.name, e.trafficPercent]),
      [['churn_model-7', 100]],
    );
  });

  it('canary: the served version keeps 100 − canaryPercent, the new one gets canaryPercent', async () => {
    seedV7(w);
    const r = await deployServing({ client: w.client(), ctx: w.ctx }, params({ traffic: { mode: 'canary', percent: 10 } }));
    assert.equal(r.result, 'Succeeded', r.message);
    const put = writes(w).find((q) => q.method === 'PUT')!.body as EndpointCoreConfigInput;
    assert.deepEqual(
      put.served_entities?.map((e) => [e.name, e.entity_version]),
      [
        ['churn_model-7', '7'],
        ['churn_model-8', '8'],
      ],
    );
    assert.deepEqual(servedPairs(w), [
      ['churn_model-7', '7', 90],
      ['churn_model-8', '8', 10],
    ]);
  });

  it('canary keeps the entity with the most traffic and drops a third one', async () => {
    seedServingEndpoint(w.ws, {
      name: EP,
      served: [
        { model: MODEL, version: 6, traffic: 20 },
        { model: MODEL, version: 7, traffic: 80 },
      ],
    });
    const r = await deployServing({ client: w.client(), ctx: w.ctx }, params({ traffic: { mode: 'canary', percent: 25 } }));
    assert.equal(r.result, 'Succeeded', r.message);
    assert.deepEqual(servedPairs(w), [
      ['churn_model-7', '7', 75],
      ['churn_model-8', '8', 25],
    ]);
  });

  it('promote: the canary version takes 100% and the others are removed', async () => {
    seedServingEndpoint(w.ws, {
      name: EP,
      served: [
        { model: MODEL, version: 7, traffic: 90 },
        { model: MODEL, version: 8, traffic: 10 },
      ],
      inferenceTable: { catalog: 'main', schema: 'ml_logs', prefix: 'churn_scoring' },
      tags: [{ key: 'owner', value: 'mlops' }],
      notifyOnFailure: ['mlops@contoso.com'],
    });
    const r = await deployServing({ client: w.client(), ctx: w.ctx }, params({ traffic: { mode: 'promote' } }));
    assert.equal(r.result, 'Succeeded', r.message);
    assert.deepEqual(servedPairs(w), [['churn_model-8', '8', 100]]);
  });

  it('promote fails before any write when the version is not served yet', async () => {
    seedV7(w);
    await assert.rejects(
      deployServing({ client: w.client(), ctx: w.ctx }, params({ traffic: { mode: 'promote' } })),
      /Promote needs main\.ml\.churn_model version 8 to be served already/,
    );
    assert.equal(writes(w).length, 0);
  });

  it('a second run with the same inputs makes no write call', async () => {
    const first = await deployServing({ client: w.client(), ctx: w.ctx }, params({ traffic: { mode: 'canary', percent: 10 }, rateLimitPerMinute: 50 }));
    assert.equal(first.result, 'Succeeded', first.message);
    w.ws.reset();
    const second = await deployServing({ client: w.client(), ctx: w.ctx }, params({ traffic: { mode: 'canary', percent: 10 }, rateLimitPerMinute: 50 }));
    assert.equal(second.result, 'Succeeded', second.message);
    assert.equal(second.report.action, 'noop');
    assert.deepEqual(writes(w), []);
    assert.match(second.message, /nothing changed/);
  });

  it('a failed update prints the entity message and logs, then rolls back to the previous entities', async () => {
    seedV7(w);
    w.ws.state.serving.failNextRollout(EP, { message: 'Container build failed: missing dependency sklearn-extra', phase: 'build' });
    const r = await deployServing({ client: w.client(), ctx: w.ctx }, params({ traffic: { mode: 'canary', percent: 10 } }));
    assert.equal(r.result, 'Failed');
    assert.match(r.message, /UPDATE_FAILED/);
    assert.match(r.message, /Rolled back: churn-scoring serves churn_model-7 \(v7\) 100% again/);
    assert.deepEqual(servedPairs(w), [['churn_model-7', '7', 100]]);
    const puts = writes(w).filter((q) => q.path === CONFIG_PATH);
    assert.equal(puts.length, 2, 'the update, then the rollback');
    assert.deepEqual((puts[1]!.body as EndpointCoreConfigInput).traffic_config, { routes: [{ served_entity_name: 'churn_model-7', traffic_percentage: 100 }] });
    assert.match(w.text('error'), /churn_model-8: DEPLOYMENT_FAILED: Container build failed: missing dependency sklearn-extra/);
    assert.match(w.text('remote'), /Build logs of churn_model-8 \(last lines\):[\s\S]*Image build failed\./);
    assert.doesNotMatch(w.text('remote'), /Server logs of churn_model-8/, 'the container never started');
    assert.deepEqual(r.report.failure?.entityMessages, [{ name: 'churn_model-8', message: 'Container build failed: missing dependency sklearn-extra' }]);
    assert.deepEqual(r.report.rollback && { ...r.report.rollback, restored: r.report.rollback.restored.map((e) => e.name) }, {
      performed: true,
      succeeded: true,
      reason: r.report.failure!.message,
      restored: ['churn_model-7'],
    });
    // No invocation: the smoke test never ran.
    assert.equal(writes(w).filter((q) => q.path.endsWith('/invocations')).length, 0);
  });

  it('a crashed model server also prints the server logs', async () => {
    seedV7(w);
    w.ws.state.serving.failNextRollout(EP, { message: 'Model server crashed', phase: 'container' });
    const r = await deployServing({ client: w.client(), ctx: w.ctx }, params());
    assert.equal(r.result, 'Failed');
    assert.match(w.text('remote'), /Server logs of churn_model-8 \(last lines\):[\s\S]*ModuleNotFoundError/);
  });

  it('a failed smoke test rolls back', async () => {
    seedV7(w);
    w.ws.state.serving.setModelBehaviour(MODEL, '8', { error: 'Model raised ValueError: could not convert string to float' });
    const r = await deployServing({ client: w.client(), ctx: w.ctx }, params());
    assert.equal(r.result, 'Failed');
    assert.match(r.message, /smoke test of churn-scoring failed: HTTP 400 BAD_REQUEST: Model raised ValueError/);
    assert.match(r.message, /Rolled back/);
    assert.deepEqual(servedPairs(w), [['churn_model-7', '7', 100]]);
    assert.equal(r.report.smokeTest?.ok, false);
    assert.equal(r.report.failure?.stage, 'smoke-test');
  });

  it('an answer without predictions fails the smoke test', async () => {
    seedV7(w);
    w.ws.state.serving.setModelBehaviour(MODEL, '8', 'no-predictions');
    const r = await deployServing({ client: w.client(), ctx: w.ctx }, params({ rollbackOnFailure: false }));
    assert.equal(r.result, 'Failed');
    assert.match(r.message, /no predictions array \(keys: outputs\)/);
    assert.match(r.message, /rollbackOnFailure is false/);
    assert.deepEqual(servedPairs(w), [['churn_model-8', '8', 100]]);
  });

  it('a new endpoint that never became ready is left in place, and the message says so', async () => {
    w.ws.state.serving.failNextRollout(EP, { message: 'Build failed' });
    const r = await deployServing({ client: w.client(), ctx: w.ctx }, params());
    assert.equal(r.result, 'Failed');
    assert.match(r.message, /left in place for diagnosis \(not deleted\)/);
    assert.ok(w.ws.state.serving.get(EP));
    assert.ok(!writes(w).some((q) => q.method === 'DELETE' || q.method === 'PUT'));
  });

  it('times out, waits for the rollout to settle within its own timeout, and when it never does says exactly what is serving', async () => {
    seedV7(w);
    w.ws.state.serving.updateDurationMs = 10 * 60 * 60_000;
    const r = await deployServing({ client: w.client(), ctx: w.ctx }, params({ timeoutMinutes: 1 }));
    assert.equal(r.result, 'Failed');
    assert.match(r.message, /did not finish within 1 min/);
    assert.match(r.message, /The rollback could not start: The update being rolled back did not finish within 1 min/);
    assert.match(r.message, /churn-scoring serves churn_model-7=v7 100% \(config 1\); still rolling out: churn_model-8=v8/);
    assert.equal(w.ws.requests.filter((x) => x.method === 'PUT' && x.path.endsWith('/config')).length, 1, 'no rollback PUT while it rolls out');
    assert.equal(r.report.rollback?.performed, false);
  });

  it('429 and 503 answers while waiting are retried by the client', async () => {
    seedV7(w);
    // The rollout lasts eight successful reads, so the faulted ones all fall inside the wait.
    w.ws.state.serving.rolloutReads = 8;
    w.ws.faults.add({
      method: 'GET',
      path: `/api/2.0/serving-endpoints/${EP}`,
      status: 429,
      headers: { 'Retry-After': '2' },
      offset: 2,
      times: 2,
      body: { error_code: 'REQUEST_LIMIT_EXCEEDED', message: 'slow down' },
    });
    w.ws.faults.add({ method: 'GET', path: `/api/2.0/serving-endpoints/${EP}`, status: 503, offset: 5, times: 2 });
    const r = await deployServing({ client: w.client(), ctx: w.ctx }, params());
    assert.equal(r.result, 'Succeeded', r.message);
    const statuses = w.ws.requests.filter((q) => q.path === `/api/2.0/serving-endpoints/${EP}`).map((q) => q.status);
    assert.equal(statuses.filter((s) => s === 429).length, 2);
    assert.equal(statuses.filter((s) => s === 503).length, 2);
  });

  it('the 50-operations limit answers 429 with Retry-After, and the create is retried after it', async () => {
    const store = w.ws.state.serving;
    store.operationLimit = 1;
    // A 60 s window (the service's is 5 min), filled by someone else's operation at the moment
    // the task's create arrives: Retry-After is the whole window, well inside the client's
    // 5-minute retry budget.
    store.operationWindowMs = 60_000;
    store.beforeNextOperation(() => store.countOperation());
    const r = await deployServing({ client: w.client(), ctx: w.ctx }, params());
    assert.equal(r.result, 'Succeeded', r.message);
    const creates = w.ws.requests.filter((q) => q.method === 'POST' && q.path === '/api/2.0/serving-endpoints');
    assert.deepEqual(
      creates.map((q) => q.status),
      [429, 200],
    );
    // The retry waited the 60 s of workspace time (60 ms) the answer asked for (10 ms for timer rounding).
    assert.ok(creates[1]!.time - creates[0]!.time >= 60 - 10, `retried ${creates[1]!.time - creates[0]!.time} ms after the refusal`);
  });

  it('resolves modelAlias through Unity Catalog', async () => {
    const r = await deployServing({ client: w.client(), ctx: w.ctx }, params({ model: { kind: 'alias', alias: 'champion' } }));
    assert.equal(r.result, 'Succeeded', r.message);
    assert.equal(r.outputs.servedVersion, '7');
    assert.equal(r.outputs.servedEntityName, 'churn_model-7');
    assert.ok(w.ws.requests.some((q) => q.path === '/api/2.1/unity-catalog/models/main.ml.churn_model/aliases/champion'));
    assert.match(w.text('info'), /alias champion → version 7 \(READY\)/);
  });

  it('refuses a version that is not READY, and an unknown alias, before any write', async () => {
    await assert.rejects(deployServing({ client: w.client(), ctx: w.ctx }, params({ model: { kind: 'version', version: 9 } })), /version 9 is PENDING_REGISTRATION, not READY/);
    await assert.rejects(deployServing({ client: w.client(), ctx: w.ctx }, params({ model: { kind: 'alias', alias: 'nope' } })), /has no alias 'nope'/);
    assert.equal(writes(w).length, 0);
  });

  it('waits for an update already in progress before planning its own', async () => {
    seedV7(w);
    const store = w.ws.state.serving;
    // The other update is in progress until the task has read the endpoint twice (it saw it in
    // progress and waited); the task's own update takes the usual time.
    store.startRollout(EP, [{ name: 'churn_model-6', entity_name: MODEL, entity_version: '6', workload_size: 'Small', scale_to_zero_enabled: true }], undefined, { held: true });
    endOtherUpdateAfterReads(w, 2);
    const r = await deployServing({ client: w.client(), ctx: w.ctx }, params({ traffic: { mode: 'canary', percent: 20 } }));
    assert.equal(r.result, 'Succeeded', r.message);
    assert.match(w.text('info'), /in progress; waiting for it to end before planning/);
    // The canary was planned against what the other update left: version 6.
    assert.deepEqual(servedPairs(w), [
      ['churn_model-6', '6', 80],
      ['churn_model-8', '8', 20],
    ]);
    assert.ok(w.ws.requests.every((q) => q.status !== 409));
  });

  for (const status of [409, 400] as const) {
    it(`copes with a ${status} from an update that started between its read and its write`, async () => {
      seedV7(w);
      const store = w.ws.state.serving;
      store.conflictStatus = status;
      store.beforeNextUpdate((name) => {
        // The other update is in progress until the task, refused, has read the endpoint back
        // and waited on it; the task's own update takes the usual time.
        store.startRollout(name, [{ name: 'churn_model-6', entity_name: MODEL, entity_version: '6', workload_size: 'Small', scale_to_zero_enabled: true }], undefined, {
          held: true,
        });
        endOtherUpdateAfterReads(w, 2);
      });
      const r = await deployServing({ client: w.client(), ctx: w.ctx }, params());
      assert.equal(r.result, 'Succeeded', r.message);
      const puts = w.ws.requests.filter((q) => q.path === CONFIG_PATH).map((q) => q.status);
      assert.deepEqual(puts, [status, 200]);
      assert.deepEqual(servedPairs(w), [['churn_model-8', '8', 100]]);
      assert.match(w.text('info'), /Another update of churn-scoring got in the way/);
    });
  }

  it('moves an enabled inference table by disabling it first, then enabling it at the new place', async () => {
    seedV7(w, { inferenceTable: { catalog: 'main', schema: 'old_logs', prefix: 'old_prefix' } });
    w.ws.state.serving.get(EP)!.aiGateway!.usage_tracking_config = { enabled: true };
    const r = await deployServing({ client: w.client(), ctx: w.ctx }, params());
    assert.equal(r.result, 'Succeeded', r.message);
    const gw = writes(w)
      .filter((q) => q.path.endsWith('/ai-gateway'))
      .map((q) => q.body as AiGatewayConfig);
    assert.deepEqual(gw, [
      { inference_table_config: { catalog_name: 'main', schema_name: 'old_logs', table_name_prefix: 'old_prefix', enabled: false }, usage_tracking_config: { enabled: true } },
      { inference_table_config: { catalog_name: 'main', schema_name: 'ml_logs', table_name_prefix: 'churn_scoring', enabled: true }, usage_tracking_config: { enabled: true } },
    ]);
    assert.match(w.text('info'), /disabling it at its current location first/);
    // The gateway changes come before the config update.
    const order = writes(w).map((q) => q.path.split('/').pop());
    assert.deepEqual(order.slice(0, 4), ['ai-gateway', 'ai-gateway', 'tags', 'config']);
  });

  it('a refused enable after disabling fails with a message that says payload logging is off', async () => {
    seedV7(w, { inferenceTable: { catalog: 'main', schema: 'old_logs', prefix: 'old_prefix' } });
    w.ws.faults.add({
      method: 'PUT',
      path: `/api/2.0/serving-endpoints/${EP}/ai-gateway`,
      offset: 1,
      status: 403,
      body: { error_code: 'PERMISSION_DENIED', message: 'User does not have CREATE TABLE on schema main.ml_logs' },
    });
    await assert.rejects(
      deployServing({ client: w.client(), ctx: w.ctx }, params()),
      /was disabled to move it, but enabling it at main\.ml_logs\.churn_scoring_payload was refused: PERMISSION_DENIED[\s\S]*Payload logging is off/,
    );
    assert.equal(writes(w).filter((q) => q.path === CONFIG_PATH).length, 0);
  });

  it('patches only the tags that differ and keeps the others', async () => {
    seedV7(w, {
      tags: [
        { key: 'owner', value: 'someone' },
        { key: 'cost_center', value: '42' },
      ],
    });
    const r = await deployServing(
      { client: w.client(), ctx: w.ctx },
      params({
        tags: [
          { key: 'owner', value: 'mlops' },
          { key: 'team', value: 'churn' },
        ],
      }),
    );
    assert.equal(r.result, 'Succeeded', r.message);
    const patch = writes(w).find((q) => q.path.endsWith('/tags'))!;
    assert.deepEqual(patch.body, {
      add_tags: [
        { key: 'owner', value: 'mlops' },
        { key: 'team', value: 'churn' },
      ],
    });
    assert.deepEqual(
      w.ws.state.serving
        .get(EP)!
        .tags.filter((t) => !isRecordTag(t.key))
        .map((t) => `${t.key}=${t.value}`)
        .sort(),
      ['cost_center=42', 'owner=mlops', 'team=churn'],
    );
  });

  it('dryRun prints the diff and writes nothing', async () => {
    seedV7(w, { inferenceTable: { catalog: 'main', schema: 'old_logs', prefix: 'old_prefix' } });
    const r = await deployServing(
      { client: w.client({ readOnly: true }), ctx: w.ctx },
      params({ traffic: { mode: 'canary', percent: 10 }, tags: [{ key: 'team', value: 'churn' }] }),
    );
    assert.equal(r.result, 'Succeeded', r.message);
    assert.deepEqual(writes(w), []);
    assert.match(r.message, /Plan mode \(dryRun\): 4 change\(s\) planned/);
    assert.match(
      w.text('remote'),
      /\+ tag databricks-mlops-rollback: restores churn_model-7 \(main\.ml\.churn_model v7, Small CPU scale to zero\) 100% \(2 tag\(s\), \d+ characters encoded\)/,
    );
    const plan = w.text('remote');
    assert.match(plan, /- churn_model-7 \(main\.ml\.churn_model v7, Small CPU scale to zero\) 100%/);
    assert.match(plan, /\+ churn_model-7 \(main\.ml\.churn_model v7, Small CPU scale to zero\) 90%/);
    assert.match(plan, /\+ churn_model-8 \(main\.ml\.churn_model v8, Small CPU scale to zero\) 10%/);
    assert.match(plan, /\+ ai_gateway\.inference_table_config: disable first, then main\.ml_logs\.churn_scoring_payload \(enabled\)/);
    assert.match(plan, /\+ tag team: churn/);
    assert.deepEqual(servedPairs(w), [['churn_model-7', '7', 100]]);
  });

  it('dryRun on a missing endpoint plans the create', async () => {
    const r = await deployServing({ client: w.client({ readOnly: true }), ctx: w.ctx }, params());
    assert.equal(r.result, 'Succeeded');
    assert.deepEqual(writes(w), []);
    assert.equal(r.report.action, 'create');
    assert.match(w.text('remote'), /\+ serving endpoint churn-scoring: served entities and traffic\n {4}\+ churn_model-8/);
  });

  it('when cancelled during the wait: one rollback attempt, refused while the update rolls out, then a precise message', async () => {
    seedV7(w);
    w.ws.state.serving.updateDurationMs = 60 * 60_000;
    // Cancel on the task's first readiness read after its config update was accepted, i.e.
    // while it waits for the rollout (an event of the fake, not a moment on the wall clock).
    let abortedAt = 0;
    let cancelling = -1;
    w.ws.onAnswered((q) => {
      const putAccepted = w.ws.requests.some((x) => x.method === 'PUT' && x.path === CONFIG_PATH && x.status === 200);
      if (abortedAt || !putAccepted || q.method !== 'GET' || q.path !== `/api/2.0/serving-endpoints/${EP}`) return;
      abortedAt = Date.now();
      cancelling = w.ws.requests.indexOf(q);
      w.abort.abort(new CancelledError('The task was cancelled (SIGTERM).'));
    });
    const r = await deployServing({ client: w.client(), ctx: w.ctx }, params());
    assert.ok(abortedAt > 0, 'cancelled during the wait');
    assert.equal(r.result, 'Failed');
    // By order of arrival, not by time: the config update and the read that cancels can arrive
    // in the same millisecond. After it: the one rollback PUT (refused: the update is in
    // progress) and one read describing what is left.
    const after = w.ws.requests.slice(cancelling + 1);
    assert.deepEqual(
      after.map((q) => `${q.method} ${q.path} ${q.status}`),
      [`PUT ${CONFIG_PATH} 409`, `GET /api/2.0/serving-endpoints/${EP} 200`],
    );
    assert.match(
      r.message,
      /cancelled \(SIGTERM\)\. The rollback of churn-scoring was refused: 409 RESOURCE_CONFLICT: .* \(the endpoint accepts no config change while an update is in progress\)\. State left: churn_model-7=v7 100% \(config 1\); still rolling out: churn_model-8=v8/,
    );
    assert.match(r.message, /run DatabricksDeployServing with trafficMode: rollback/);
    assert.equal(r.report.rollback?.performed, false);
  });
});
