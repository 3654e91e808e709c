import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { loadConfig } from '../../../shared/runtime/config/load';
import { TASK_NAMES, type TaskName } from '../../../shared/runtime/configSchema';
import type { InputSource, VariableSource } from '../../../shared/runtime/inputs';
import { buildParameters as createMonitor } from '../../../tasks/DatabricksCreateMonitor/src/parameters';
import { buildParameters as deployServing } from '../../../tasks/DatabricksDeployServing/src/parameters';
import { buildParameters as refreshMonitors } from '../../../tasks/DatabricksRefreshMonitors/src/parameters';
import { buildParameters as registerModel } from '../../../tasks/DatabricksRegisterModel/src/parameters';
import { buildParameters as runJob } from '../../../tasks/DatabricksRunJob/src/parameters';
import { build, repoRoot } from '../parameters/support';

const BUILDERS: Record<TaskName, (inputs: InputSource, vars: VariableSource) => unknown> = {
  DatabricksRegisterModel: registerModel,
  DatabricksDeployServing: deployServing,
  DatabricksCreateMonitor: createMonitor,
  DatabricksRefreshMonitors: refreshMonitors,
  DatabricksRunJob: runJob,
};

describe('config templates', () => {
  for (const template of ['classification.yml', 'regression.yml']) {
    describe(template, () => {
      const configFile = path.join(repoRoot(), 'config_templates', template);

      it('defines dev, aut and prod', () => {
        assert.deepEqual(loadConfig(configFile, 'dev', 'DatabricksRegisterModel').environments, ['dev', 'aut', 'prod']);
      });

      for (const environment of ['dev', 'aut', 'prod']) {
        for (const task of TASK_NAMES) {
          it(`gives valid ${task} parameters for ${environment}`, () => {
            build(BUILDERS[task], { azureSubscription: 'arm-connection', configFile, environment });
          });
        }
      }
    });
  }

  it('classification prod: canary serving, gated registry, alerts and thresholds', () => {
    const configFile = path.join(repoRoot(), 'config_templates', 'classification.yml');
    const inputs = { azureSubscription: 'arm-connection', configFile, environment: 'prod' };
    const serving = build(deployServing, inputs);
    assert.deepEqual(serving.traffic, { mode: 'canary', percent: 10 });
    assert.deepEqual(serving.inferenceTable, { catalog: 'mlops_prod', schema: 'churn', tablePrefix: 'churn_classifier_prod' });
    assert.equal(serving.common.workspace.kind, 'resourceId');
    const registry = build(registerModel, inputs);
    assert.deepEqual(registry.source, { kind: 'existingVersion', version: 'latest' });
    assert.equal(registry.comparison?.failIfNotImproved, true);
    const monitor = build(createMonitor, inputs);
    assert.deepEqual(
      monitor.driftAlerts.map((a) => a.text),
      ['population_stability_index >= 0.05 -> ml-ops-team@example.com, data-science-lead@example.com', 'chi_squared_test.pvalue < 0.01 -> ml-ops-team@example.com'],
    );
    const refresh = build(refreshMonitors, inputs);
    assert.equal(refresh.thresholds.length, 4);
    assert.deepEqual(refresh.tables, ['mlops_prod.churn.churn_predictions']);
  });
});
