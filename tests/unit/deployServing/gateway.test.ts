import * as assert from 'node:assert/strict';
import type { AiGatewayConfig } from '../../../shared/api/serving';
import { gatewayForCreate, planGateway } from '../../../tasks/DatabricksDeployServing/src/gateway';
import { gatewayChange } from '../../../tasks/DatabricksDeployServing/src/plan';

const TABLE = { catalog: 'main', schema: 'ml_logs', tablePrefix: 'churn' };
const CURRENT: AiGatewayConfig = {
  inference_table_config: { catalog_name: 'main', schema_name: 'ml_logs', table_name_prefix: 'churn', enabled: true },
  guardrails: { input: { safety: true } },
};

describe('DeployServing AI Gateway: usage tracking', () => {
  it('a new endpoint gets it only when asked for', () => {
    assert.deepEqual(gatewayForCreate({ inferenceTable: TABLE, usageTracking: true })?.usage_tracking_config, { enabled: true });
    assert.equal(gatewayForCreate({ inferenceTable: TABLE, usageTracking: false })?.usage_tracking_config, undefined);
    assert.equal(gatewayForCreate({ usageTracking: false }), undefined, 'off on a new endpoint is no AI Gateway at all');
    assert.equal(gatewayForCreate({ inferenceTable: TABLE })?.usage_tracking_config, undefined);
  });

  it('left out, the endpoint keeps what it has', () => {
    assert.deepEqual(planGateway({ ...CURRENT, usage_tracking_config: { enabled: true } }, { inferenceTable: TABLE }), {});
    assert.deepEqual(planGateway(CURRENT, { inferenceTable: TABLE }), {});
  });

  it('on or off is one PUT of the whole gateway, the fields the task does not manage carried over', () => {
    const on = planGateway(CURRENT, { inferenceTable: TABLE, usageTracking: true });
    assert.deepEqual(on.target, { ...CURRENT, usage_tracking_config: { enabled: true } });
    const off = planGateway({ ...CURRENT, usage_tracking_config: { enabled: true } }, { inferenceTable: TABLE, usageTracking: false });
    assert.deepEqual(off.target, { ...CURRENT, usage_tracking_config: { enabled: false } });
    assert.deepEqual(planGateway({ ...CURRENT, usage_tracking_config: { enabled: false } }, { inferenceTable: TABLE, usageTracking: false }), {}, 'already off');
    assert.deepEqual(planGateway(CURRENT, { inferenceTable: TABLE, usageTracking: false }), {}, 'absent is off');
  });

  it('plan mode shows the change', () => {
    const off = planGateway({ ...CURRENT, usage_tracking_config: { enabled: true } }, { inferenceTable: TABLE, usageTracking: false });
    assert.deepEqual(gatewayChange('churn-ep', { ...CURRENT, usage_tracking_config: { enabled: true } }, off.target, false).fields, [
      { path: 'ai_gateway.usage_tracking_config', before: 'enabled', after: 'disabled' },
    ]);
    assert.deepEqual(gatewayChange('churn-ep', undefined, gatewayForCreate({ usageTracking: true }), false).fields, [
      { path: 'ai_gateway.usage_tracking_config', before: undefined, after: 'enabled' },
    ]);
  });
});
