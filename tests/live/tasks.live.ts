/**
 * The four bundled tasks against a real Azure Databricks workspace (docs/live-tests.md).
 *
 * Skipped, with the list of missing variables, unless the environment names a workspace and
 * a service principal. Every resource gets this run's unique prefix; `after` removes what the
 * run created, newest first, even when a test failed, and reports what it could not remove.
 * Reads after writes are retried (`eventually`): the workspace is eventually consistent.
 */
import assert from 'node:assert/strict';
import { runTask, type RunTaskOptions, type TaskRun } from '../helpers/runTask';
import { eventually, liveSettings, LiveWorkspace, OPTIONAL_LIVE_VARIABLES, runPrefix, servicePrincipalConnection, type LiveSettings } from './liveWorkspace';

const MINUTE = 60_000;

describe('live: the four tasks against a real workspace', function () {
  const { settings, missing } = liveSettings();
  let live: LiveWorkspace;
  let s: LiveSettings;
  let connection: ReturnType<typeof servicePrincipalConnection>;
  const prefix = runPrefix();
  /** Clean-up actions, run newest first in `after`. */
  const cleanups: Array<{ what: string; run: () => Promise<void> }> = [];

  const modelName = (): string => `${s.catalog}.${s.schema}.${prefix}_model`;
  const predictionsTable = (): string => `${s.catalog}.${s.schema}.${prefix}_predictions`;
  const endpointName = prefix.replace(/_/g, '-');
  let modelVersion = '';

  before(function () {
    if (!settings) {
      console.log(`      skipped: set ${missing.join(', ')} to run the live suite (optional: ${Object.values(OPTIONAL_LIVE_VARIABLES).join(', ')}); see docs/live-tests.md`);
      this.skip();
    }
    s = settings;
    live = new LiveWorkspace(s);
    connection = servicePrincipalConnection(s);
    console.log(`      workspace ${s.workspaceUrl}, names prefixed ${prefix}`);
  });

  after(async function () {
    if (!settings) return;
    this.timeout(30 * MINUTE);
    const failures: string[] = [];
    for (const cleanup of cleanups.reverse()) {
      try {
        await eventually(cleanup.run, { what: cleanup.what, timeoutMs: 3 * MINUTE });
      } catch (error) {
        failures.push(`${cleanup.what}: ${(error as Error).message}`);
      }
    }
    if (failures.length > 0) throw new Error(`clean-up left resources behind (prefix ${prefix}):\n${failures.join('\n')}`);
  });

  function run(task: string, inputs: Record<string, string>, timeoutMs: number): Promise<TaskRun> {
    const passThrough = Object.fromEntries(
      ['AGENT_PROXYURL', 'AGENT_PROXYUSERNAME', 'AGENT_PROXYPASSWORD', 'AGENT_PROXYBYPASSLIST', 'NODE_EXTRA_CA_CERTS']
        .filter((name) => process.env[name])
        .map((name) => [name, process.env[name]!]),
    );
    const options: RunTaskOptions = {
      task,
      inputs: { azureSubscription: connection.connectionId, workspaceUrl: s.workspaceUrl, ...inputs },
      env: { ...connection.env, ...passThrough },
      variables: { 'System.Debug': process.env.SYSTEM_DEBUG ?? 'false' },
      timeoutMs,
    };
    return runTask(options);
  }

  function assertSucceeded(result: TaskRun): void {
    assert.ok(
      result.result === 'Succeeded' || result.result === 'SucceededWithIssues',
      `task ended ${result.result ?? `without a result (exit ${result.exitCode})`}: ${result.resultMessage ?? ''}\n${result.errors.join('\n')}\n${result.stdout.slice(-4000)}`,
    );
  }

  it("DatabricksRegisterModel registers the run's model and sets the aliases", async function () {
    this.timeout(30 * MINUTE);
    cleanups.push({ what: `registered model ${modelName()}`, run: () => live.deleteIfExists(`/api/2.1/unity-catalog/models/${encodeURIComponent(modelName())}`) });
    const result = await run(
      'DatabricksRegisterModel',
      {
        modelName: modelName(),
        registerFrom: 'run',
        runId: s.runId,
        artifactPath: s.artifactPath,
        candidateAliases: 'live_candidate',
        promoteAliases: 'champion',
        description: `Live test ${prefix}`,
        timeoutMinutes: '25',
      },
      28 * MINUTE,
    );
    assertSucceeded(result);
    modelVersion = result.outputs.modelVersion;
    assert.match(modelVersion, /^[1-9]\d*$/);
    assert.equal(result.outputs.modelUri, `models:/${modelName()}/${modelVersion}`);
    const versionPath = `/api/2.1/unity-catalog/models/${encodeURIComponent(modelName())}/versions/${modelVersion}`;
    cleanups.push({ what: `model version ${modelVersion}`, run: () => live.deleteIfExists(versionPath) });
    for (const alias of ['live_candidate', 'champion']) {
      cleanups.push({ what: `alias ${alias}`, run: () => live.deleteIfExists(`/api/2.1/unity-catalog/models/${encodeURIComponent(modelName())}/aliases/${alias}`) });
    }

    const version = await eventually(() => live.request<{ status: string; aliases?: Array<{ alias_name: string }> }>('GET', `${versionPath}?include_aliases=true`), {
      what: 'the new version to be readable',
    });
    assert.equal(version.status, 'READY');
    assert.deepEqual((version.aliases ?? []).map((a) => a.alias_name).sort(), ['champion', 'live_candidate']);
  });

  it('DatabricksDeployServing serves the version with an inference table (DATABRICKS_MLOPS_LIVE_SERVING)', async function () {
    if (!s.serving) {
      console.log(`      skipped: set ${OPTIONAL_LIVE_VARIABLES.serving}=true to deploy an endpoint (10–30 minutes, billed)`);
      this.skip();
    }
    assert.ok(modelVersion, 'needs the version registered by the previous test');
    this.timeout(60 * MINUTE);
    // Pushed in this order so that clean-up deletes the endpoint before its payload table.
    cleanups.push({ what: `inference table ${prefix}_payload`, run: () => live.sql(`DROP TABLE IF EXISTS ${s.catalog}.${s.schema}.${prefix}_payload`) });
    cleanups.push({ what: `serving endpoint ${endpointName}`, run: () => live.deleteIfExists(`/api/2.0/serving-endpoints/${endpointName}`) });
    const result = await run(
      'DatabricksDeployServing',
      {
        endpointName,
        modelName: modelName(),
        modelVersion,
        workloadSize: 'Small',
        scaleToZero: 'true',
        inferenceTable: 'true',
        inferenceCatalog: s.catalog,
        inferenceSchema: s.schema,
        inferenceTablePrefix: prefix,
        timeoutMinutes: '50',
      },
      55 * MINUTE,
    );
    assertSucceeded(result);
    assert.equal(result.outputs.servedVersion, modelVersion);
    assert.equal(result.outputs.inferenceTableName, `${s.catalog}.${s.schema}.${prefix}_payload`);
    const endpoint = await live.request<{ state: { ready: string } }>('GET', `/api/2.0/serving-endpoints/${endpointName}`);
    assert.equal(endpoint.state.ready, 'READY');
  });

  it('DatabricksCreateMonitor creates an inference-log monitor on a table', async function () {
    this.timeout(30 * MINUTE);
    const table = predictionsTable();
    cleanups.push({ what: `table ${table}`, run: () => live.sql(`DROP TABLE IF EXISTS ${table}`) });
    await live.sql(`CREATE TABLE ${table} (timestamp TIMESTAMP, model_id STRING, prediction INT, label INT, tenure_months DOUBLE)`);
    await live.sql(
      `INSERT INTO ${table} VALUES ` + [0, 1, 2, 3, 4, 5].map((i) => `(current_timestamp() - INTERVAL ${i} HOURS, '1', ${i % 2}, ${(i + 1) % 2}, ${10 + i})`).join(', '),
    );

    const assetsDir = `/Workspace/Users/${s.clientId}/dbxmlops-live/${prefix}`;
    cleanups.push({
      what: `assets folder ${assetsDir}`,
      run: () =>
        live
          .request('POST', '/api/2.0/workspace/delete', { path: assetsDir, recursive: true })
          .then(() => undefined)
          .catch(ignoreMissing),
    });
    // Registered before the task runs: a monitor created by a task that then fails is removed
    // too. The metric tables outlive the monitor (the service keeps them), so they go after it.
    const metricTables: string[] = [];
    cleanups.push({
      what: `monitor on ${table} and its metric tables`,
      run: async () => {
        await deleteMonitor(live, table);
        for (const name of metricTables) await live.sql(`DROP TABLE IF EXISTS ${name}`);
      },
    });
    const result = await run(
      'DatabricksCreateMonitor',
      {
        tableName: table,
        profileType: 'inferenceLog',
        problemType: 'classification',
        predictionColumn: 'prediction',
        labelColumn: 'label',
        modelIdColumn: 'model_id',
        timestampColumn: 'timestamp',
        granularities: '1 hour, 1 day',
        outputSchema: `${s.catalog}.${s.schema}`,
        assetsDir,
        warehouseId: s.warehouseId,
        timeoutMinutes: '20',
      },
      25 * MINUTE,
    );
    for (const output of ['profileMetricsTable', 'driftMetricsTable']) {
      if (result.outputs[output]) metricTables.push(result.outputs[output]);
    }
    assertSucceeded(result);
    assert.match(result.outputs.monitorApiUsed ?? '', /^(dataQuality|legacy)$/);
    assert.ok(result.outputs.profileMetricsTable, 'profileMetricsTable output');
    assert.ok(result.outputs.driftMetricsTable, 'driftMetricsTable output');
  });

  it('DatabricksRefreshMonitors refreshes the monitor and evaluates the gate', async function () {
    this.timeout(60 * MINUTE);
    const result = await run(
      'DatabricksRefreshMonitors',
      {
        tables: predictionsTable(),
        warehouseId: s.warehouseId,
        thresholds: 'population_stability_index >= 0.2\nks_test.pvalue < 0.05',
        evaluationWindows: '1',
        violationWindows: '1',
        // A table a few minutes old has no baseline and one window: not enough data is expected.
        onInsufficientData: 'pass',
        onDrift: 'warn',
        timeoutMinutes: '50',
      },
      55 * MINUTE,
    );
    assertSucceeded(result);
    assert.match(result.outputs.driftDetected ?? '', /^(true|false)$/);
    const states = JSON.parse(result.outputs.refreshStates ?? '{}') as Record<string, unknown>;
    assert.ok(JSON.stringify(states).includes(predictionsTable()), `refreshStates names the table: ${result.outputs.refreshStates}`);
  });
});

function ignoreMissing(error: unknown): void {
  if (error instanceof Error && /→ 404|RESOURCE_DOES_NOT_EXIST/.test(error.message)) return;
  throw error;
}

/** Removes the monitor whichever API created it; "no monitor" counts as removed. */
async function deleteMonitor(live: LiveWorkspace, table: string): Promise<void> {
  const tablePath = `/api/2.1/unity-catalog/tables/${encodeURIComponent(table)}`;
  let tableId: string | undefined;
  try {
    tableId = (await live.request<{ table_id?: string }>('GET', tablePath)).table_id;
  } catch (error) {
    ignoreMissing(error);
    return; // the table is gone, and its monitor with it
  }
  if (tableId) await live.deleteIfExists(`/api/data-quality/v1/monitors/table/${tableId}`);
  await live.deleteIfExists(`${tablePath}/monitor`);
}
