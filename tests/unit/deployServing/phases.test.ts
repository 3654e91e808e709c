/**
 * DeployServing's small functions, called directly (no fake workspace): the plan of an update
 * vs a create, the messages, and the failure after a refused rollback (a stub client refuses
 * the PUT).
 */
import { quietLog, recordingLog } from '../../helpers/recordingLog';
import assert from 'node:assert/strict';
import type { ServingEndpointDetailed } from '../../../shared/api/serving';
import type { DatabricksClient } from '../../../shared/client/databricksClient';
import { CancelledError, DatabricksApiError } from '../../../shared/client/errors';
import { createClock } from '../../../shared/runtime/clock';
import type { TaskContext } from '../../../shared/runtime/task';
import {
  cancelledAfterApply,
  howToRestoreMessage,
  refusedRollbackMessage,
  rollbackAndFail,
  successMessage,
  upToDateMessage,
} from '../../../tasks/DatabricksDeployServing/src/failedRollout';
import { plannedDeploy, type DeployPlan, type EndpointPlan } from '../../../tasks/DatabricksDeployServing/src/operations';
import { plannedRollback, type RollbackPlan } from '../../../tasks/DatabricksDeployServing/src/rollbackMode';
import { rollbackLine } from '../../../tasks/DatabricksDeployServing/src/summary';
import type { ServedEntity, ServingConfig } from '../../../tasks/DatabricksDeployServing/src/servedConfig';
import { params } from './support';

const entity = (version: string): ServedEntity => ({
  name: `churn_model-${version}`,
  entityName: 'main.ml.churn_model',
  entityVersion: version,
  workloadSize: 'Small',
  workloadType: 'CPU',
  scaleToZero: true,
  environmentVars: {},
  carried: {},
});
const config = (version: string): ServingConfig => ({ entities: [entity(version)], traffic: { [`churn_model-${version}`]: 100 } });

function endpointPlan(over: Partial<EndpointPlan> = {}): EndpointPlan {
  return { target: config('8'), configChanged: true, gateway: {}, changes: [], notes: [], ...over };
}

function deployPlan(endpoint: EndpointPlan, action: DeployPlan['report']['action']): DeployPlan {
  const p = params();
  return {
    mode: 'deploy',
    params: p,
    version: '8',
    wanted: entity('8'),
    deadline: { remaining: () => 0, passed: () => true },
    endpoint,
    outputs: { endpointUrl: 'https://w/serving-endpoints/churn-scoring/invocations', servedEntityName: 'churn_model-8', servedVersion: '8' },
    report: { endpointName: p.endpointName, action, trafficMode: 'replace', before: [], after: [] },
    endpointPage: 'https://w/ml/endpoints/churn-scoring',
  };
}

function quietCtx(): TaskContext {
  return { log: quietLog, signal: new AbortController().signal, clock: createClock(1), variable: () => undefined };
}

describe('DeployServing phases (direct)', () => {
  describe('plannedDeploy', () => {
    it('an update: counts the changes that write', () => {
      const changes = [
        { action: 'update' as const, resource: 'serving endpoint churn-scoring: served entities and traffic' },
        { action: 'noop' as const, resource: 'serving endpoint churn-scoring: AI Gateway' },
        { action: 'create' as const, resource: 'serving endpoint churn-scoring: rollback record' },
      ];
      const o = plannedDeploy(deployPlan(endpointPlan({ before: config('7'), changes }), 'update'));
      assert.equal(o.result, 'Succeeded');
      assert.equal(o.message, `Plan mode (dryRun): 2 change(s) planned for serving endpoint ${params().endpointName}; nothing was written.`);
      assert.equal(o.planLines[0], '~ serving endpoint churn-scoring: served entities and traffic');
    });

    it('a create: the one create entry; nothing to change: says so', () => {
      const create = plannedDeploy(deployPlan(endpointPlan({ changes: [{ action: 'create', resource: 'serving endpoint churn-scoring' }] }), 'create'));
      assert.match(create.message, /1 change\(s\) planned/);
      assert.deepEqual(create.planLines, ['+ serving endpoint churn-scoring']);
      const none = plannedDeploy(deployPlan(endpointPlan({ configChanged: false, changes: [{ action: 'noop', resource: 'serving endpoint churn-scoring' }] }), 'noop'));
      assert.equal(none.message, `Plan mode (dryRun): serving endpoint ${params().endpointName} is up to date; nothing to change.`);
    });
  });

  describe('messages', () => {
    it('success after a create and after an update (time to ready when known)', () => {
      const plan = deployPlan(endpointPlan(), 'create');
      assert.equal(successMessage(plan), `Created serving endpoint ${plan.params.endpointName}: churn_model-8 100% (${plan.params.modelName} version 8).`);
      plan.report.action = 'update';
      plan.report.timeToReadySeconds = 75;
      assert.equal(successMessage(plan), `Updated serving endpoint ${plan.params.endpointName}: churn_model-8 100% (${plan.params.modelName} version 8); ready in 1 min 15 s.`);
      assert.match(upToDateMessage(plan), /already serves churn_model-8 \(version 8\) as requested; nothing changed\.$/);
    });

    it('the failure after a refused rollback names the failure, the refusal and what serves now', () => {
      assert.equal(
        refusedRollbackMessage(
          'The smoke test of churn-scoring failed: HTTP 500.',
          'churn-scoring',
          'churn_model-7 (v7) 100%',
          'RESOURCE_CONFLICT: update in progress',
          'churn_model-8=v8 100%',
        ),
        'The smoke test of churn-scoring failed: HTTP 500. The rollback to churn_model-7 (v7) 100% was refused (RESOURCE_CONFLICT: update in progress). churn-scoring serves churn_model-8=v8 100%.',
      );
    });

    it('how to restore after a cancellation depends on whether the record is complete', () => {
      assert.match(howToRestoreMessage('x', true), /run DatabricksDeployServing with trafficMode: rollback/);
      assert.match(howToRestoreMessage('x', false), /trafficMode: rollback cannot restore it/);
    });

    it('the summary line of a refused rollback', () => {
      assert.equal(
        rollbackLine({ performed: false, succeeded: false, reason: 'r', restored: [{ name: 'churn_model-7', entityName: 'm', entityVersion: '7', trafficPercent: 100 }] }),
        '**Rollback:** refused (to churn\\_model-7 100%)',
      );
    });
  });

  describe('rollbackAndFail with a stub client refusing the PUT', () => {
    it('Failed, the report says the rollback was not performed, the message is the refused-rollback one', async () => {
      const serving: ServingEndpointDetailed = {
        name: 'churn-scoring',
        state: { config_update: 'NOT_UPDATING', ready: 'READY' },
        config: {
          served_entities: [{ name: 'churn_model-8', entity_name: 'main.ml.churn_model', entity_version: '8' }],
          traffic_config: { routes: [{ served_entity_name: 'churn_model-8', traffic_percentage: 100 }] },
        },
      } as ServingEndpointDetailed;
      const calls: string[] = [];
      const client = {
        workspaceUrl: 'https://w',
        readOnly: false,
        link: (path: string) => `https://w${path}`,
        get: async (path: string) => (calls.push(`GET ${path}`), serving),
        put: async (path: string) => {
          calls.push(`PUT ${path}`);
          const request = { method: 'PUT', url: new URL(`https://w${path}`), headers: new Headers() };
          throw new DatabricksApiError({
            statusCode: 400,
            errorCode: 'INVALID_PARAMETER_VALUE',
            message: 'the config is invalid',
            request: request as never,
            response: {} as never,
          });
        },
      } as unknown as DatabricksClient;
      const log = recordingLog();
      const ctx: TaskContext = { log, signal: new AbortController().signal, clock: createClock(1), variable: () => undefined };
      const plan = deployPlan(endpointPlan({ before: config('7'), target: config('8') }), 'update');
      const o = await rollbackAndFail({ client, ctx }, { plan, appliedAt: 0, notes: [] }, 'The smoke test of churn-scoring failed: HTTP 500.', false);
      assert.equal(o.result, 'Failed');
      assert.equal(
        o.message,
        'The smoke test of churn-scoring failed: HTTP 500. The rollback to churn_model-7 (v7) 100% was refused (INVALID_PARAMETER_VALUE: the config is invalid). churn-scoring serves churn_model-8=v8 100%.',
      );
      assert.deepEqual(plan.report.rollback && { performed: plan.report.rollback.performed, succeeded: plan.report.rollback.succeeded }, { performed: false, succeeded: false });
      assert.deepEqual(calls, [
        'GET /api/2.0/serving-endpoints/churn-scoring',
        'PUT /api/2.0/serving-endpoints/churn-scoring/config',
        'GET /api/2.0/serving-endpoints/churn-scoring',
      ]);
      assert.ok(
        log.lines.some((l) => l.kind === 'error' && l.text === 'Rollback refused: INVALID_PARAMETER_VALUE: the config is invalid'),
        log.text(),
      );
    });

    it('rollbackOnFailure false: no PUT, the endpoint left as it is', async () => {
      const client = { put: async () => assert.fail('no PUT'), get: async () => assert.fail('no read') } as unknown as DatabricksClient;
      const plan = deployPlan(endpointPlan({ before: config('7') }), 'update');
      plan.params = { ...plan.params, rollbackOnFailure: false };
      const o = await rollbackAndFail({ client, ctx: quietCtx() }, { plan, appliedAt: 0, notes: [] }, 'Boom.', false);
      assert.equal(o.message, 'Boom. rollbackOnFailure is false: the endpoint was left as it is.');
    });
  });

  describe('cancelledAfterApply', () => {
    it('the one rollback PUT refused as busy (409): Failed, the state left and how to restore it later', async () => {
      const calls: string[] = [];
      const serving = {
        name: 'churn-scoring',
        state: { config_update: 'IN_PROGRESS' },
        config: {
          served_entities: [{ name: 'churn_model-7', entity_name: 'main.ml.churn_model', entity_version: '7' }],
          traffic_config: { routes: [{ served_entity_name: 'churn_model-7', traffic_percentage: 100 }] },
        },
      };
      const client = {
        get: async (path: string) => (calls.push(`GET ${path}`), serving),
        put: async (path: string, _body: unknown, options: { timeoutMs?: number }) => {
          calls.push(`PUT ${path} within ${options.timeoutMs} ms`);
          const request = { method: 'PUT', url: new URL(`https://w${path}`), headers: new Headers() };
          throw new DatabricksApiError({ statusCode: 409, errorCode: 'RESOURCE_CONFLICT', message: 'update in progress', request: request as never, response: {} as never });
        },
      } as unknown as DatabricksClient;
      const plan = deployPlan(endpointPlan({ before: config('7'), target: config('8'), record: { complete: true } as EndpointPlan['record'] }), 'update');
      const o = await cancelledAfterApply({ client, ctx: quietCtx() }, { plan, appliedAt: 0, notes: [] }, new CancelledError('The pipeline cancelled the step.'));
      assert.equal(o.result, 'Failed');
      assert.match(
        o.message,
        /^The pipeline cancelled the step\. The rollback of churn-scoring was refused: 409 RESOURCE_CONFLICT: update in progress \(the endpoint accepts no config change while an update is in progress\)\. State left: /,
      );
      assert.match(o.message, /run DatabricksDeployServing with trafficMode: rollback/);
      assert.equal(calls[0], 'PUT /api/2.0/serving-endpoints/churn-scoring/config within 1500 ms');
      assert.deepEqual(plan.report.failure, { stage: 'wait', message: 'The pipeline cancelled the step.' });
      assert.equal(plan.report.rollback?.performed, false);
    });
  });

  describe('plannedRollback', () => {
    it('a used record on an endpoint that changed since: Failed, nothing to write', () => {
      const endpoint = {
        name: 'churn-scoring',
        config: {
          served_entities: [{ name: 'churn_model-8', entity_name: 'main.ml.churn_model', entity_version: '8' }],
          traffic_config: { routes: [{ served_entity_name: 'churn_model-8', traffic_percentage: 100 }] },
        },
      } as ServingEndpointDetailed;
      const plan = {
        mode: 'rollback',
        params: { endpointName: 'churn-scoring' },
        outputs: { endpointUrl: '', servedEntityName: '', servedVersion: '' },
        report: { endpointName: 'churn-scoring', action: 'noop', trafficMode: 'rollback', before: [], after: [] },
        notes: [],
        planLines: [],
        endpoint,
        recorded: config('7'),
        record: { kind: 'ok', header: { at: '2026-01-01T00:00:00Z', state: 'used' }, config: config('7') },
      } as unknown as RollbackPlan;
      const o = plannedRollback(plan);
      assert.equal(o.result, 'Failed');
      assert.match(o.message, /^trafficMode rollback: the rollback record on churn-scoring \(taken 2026-01-01T00:00:00Z\) was already used/);
    });
  });
});
