/**
 * The readiness rule (overview.md, DatabricksDeployServing) as a pure function: config_update NOT_UPDATING, ready READY,
 * every served entity DEPLOYMENT_READY, and the served (name, version) pairs exactly the
 * requested ones.
 */
import assert from 'node:assert/strict';
import type { ServedEntityOutput, ServingEndpointDetailed } from '../../../shared/api/serving';
import { evaluateReadiness, type WantedPair } from '../../../tasks/DatabricksDeployServing/src/readiness';

const MODEL = 'main.ml.churn_model';
const WANT_V8: WantedPair[] = [{ name: 'churn_model-8', entityName: MODEL, entityVersion: '8' }];

function entity(name: string, version: string, deployment = 'DEPLOYMENT_READY', entityName = MODEL): ServedEntityOutput {
  return { name, entity_name: entityName, entity_version: version, state: { deployment: deployment as never } };
}

function endpoint(served: ServedEntityOutput[], over: { update?: string; ready?: string; pending?: ServedEntityOutput[] } = {}): ServingEndpointDetailed {
  return {
    name: 'churn-scoring',
    state: { config_update: (over.update ?? 'NOT_UPDATING') as never, ready: (over.ready ?? 'READY') as never },
    config: { served_entities: served },
    ...(over.pending ? { pending_config: { served_entities: over.pending } } : {}),
  } as ServingEndpointDetailed;
}

describe('DeployServing readiness rule', () => {
  it('ready when nothing rolls out, the endpoint is READY and it serves exactly the requested pairs', () => {
    assert.deepEqual(evaluateReadiness(endpoint([entity('churn_model-8', '8')]), WANT_V8), { kind: 'ready' });
  });

  it('entity names compare as the service stores them, UC names case-insensitively', () => {
    assert.deepEqual(evaluateReadiness(endpoint([entity('churn_model-8', '8', 'DEPLOYMENT_READY', 'Main.ML.Churn_Model')]), WANT_V8), { kind: 'ready' });
  });

  it('NOT_UPDATING + READY but version 9 under the requested entity name: failed, naming both', () => {
    const verdict = evaluateReadiness(endpoint([entity('churn_model-8', '9')]), WANT_V8);
    assert.deepEqual(verdict, { kind: 'failed', reason: 'the endpoint serves churn_model-8=v9 instead of churn_model-8=v8' });
  });

  it('another entity name, a missing entity or an extra entity is not the requested config', () => {
    assert.match((evaluateReadiness(endpoint([entity('other-8', '8')]), WANT_V8) as { reason: string }).reason, /serves other-8=v8 instead of churn_model-8=v8/);
    const canary: WantedPair[] = [...WANT_V8, { name: 'churn_model-7', entityName: MODEL, entityVersion: '7' }];
    assert.match(
      (evaluateReadiness(endpoint([entity('churn_model-8', '8')]), canary) as { reason: string }).reason,
      /serves churn_model-8=v8 instead of churn_model-8=v8, churn_model-7=v7/,
    );
    assert.match(
      (evaluateReadiness(endpoint([entity('churn_model-8', '8'), entity('churn_model-7', '7')]), WANT_V8) as { reason: string }).reason,
      /serves churn_model-8=v8, churn_model-7=v7 instead of churn_model-8=v8/,
    );
    assert.match((evaluateReadiness(endpoint([]), WANT_V8) as { reason: string }).reason, /serves nothing instead of/);
  });

  it('another model under the requested name and version is not the requested entity', () => {
    const verdict = evaluateReadiness(endpoint([entity('churn_model-8', '8', 'DEPLOYMENT_READY', 'main.ml.fraud_model')]), WANT_V8);
    assert.equal(verdict.kind, 'failed');
  });

  it('while the update is in progress the served pairs are not judged yet: waiting', () => {
    const verdict = evaluateReadiness(endpoint([entity('churn_model-7', '7')], { update: 'IN_PROGRESS', pending: [entity('churn_model-8', '8', 'DEPLOYMENT_CREATING')] }), WANT_V8);
    assert.deepEqual(verdict, { kind: 'waiting', status: 'config_update IN_PROGRESS, READY; churn_model-8 DEPLOYMENT_CREATING' });
  });

  it('the right pairs but NOT_READY, or an entity not yet DEPLOYMENT_READY: waiting', () => {
    assert.equal(evaluateReadiness(endpoint([entity('churn_model-8', '8')], { ready: 'NOT_READY' }), WANT_V8).kind, 'waiting');
    assert.equal(evaluateReadiness(endpoint([entity('churn_model-8', '8', 'DEPLOYMENT_CREATING')]), WANT_V8).kind, 'waiting');
  });

  it('a failed or cancelled update and a failed entity are failures', () => {
    assert.deepEqual(evaluateReadiness(endpoint([entity('churn_model-7', '7')], { update: 'UPDATE_FAILED' }), WANT_V8), {
      kind: 'failed',
      reason: 'the endpoint update ended UPDATE_FAILED',
    });
    assert.deepEqual(evaluateReadiness(endpoint([entity('churn_model-7', '7')], { update: 'UPDATE_CANCELED' }), WANT_V8), {
      kind: 'failed',
      reason: 'the endpoint update ended UPDATE_CANCELED',
    });
    assert.deepEqual(
      evaluateReadiness(endpoint([entity('churn_model-7', '7')], { update: 'IN_PROGRESS', pending: [entity('churn_model-8', '8', 'DEPLOYMENT_FAILED')] }), WANT_V8),
      { kind: 'failed', reason: 'served entity churn_model-8 is DEPLOYMENT_FAILED' },
    );
  });

  it('for an endpoint the task did not change, an earlier UPDATE_FAILED is history: the served config decides', () => {
    const failedBefore = endpoint([entity('churn_model-8', '8')], { update: 'UPDATE_FAILED', pending: [entity('churn_model-9', '9', 'DEPLOYMENT_FAILED')] });
    assert.deepEqual(evaluateReadiness(failedBefore, WANT_V8, true), { kind: 'ready' });
    // History or not, the wrong version served is still not ready.
    const wrong = endpoint([entity('churn_model-8', '9')], { update: 'UPDATE_FAILED' });
    assert.match((evaluateReadiness(wrong, WANT_V8, true) as { reason: string }).reason, /serves churn_model-8=v9 instead of churn_model-8=v8/);
  });
});
