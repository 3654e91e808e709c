/**
 * The gate's statements run on the fake's SQL engine (DuckDB behind the Databricks SQL
 * translation) over small hand-made metric tables: the ranking, the whole-table and
 * all-models filters and the granularity choice are checked on real query results.
 */
import * as assert from 'node:assert/strict';
import { SqlEngine, type SeedValue } from '../../fake/sql/engine';
import { UnityCatalogStore } from '../../fake/routes/unityCatalog';
import { parseMetricRule } from './support';
import { evaluateRule, parseMetricRows } from '../../../tasks/DatabricksRefreshMonitors/src/gate/evaluate';
import { driftStatement, METRIC_ALIAS, modelIdsStatement, profileStatement, type GateStatement } from '../../../tasks/DatabricksRefreshMonitors/src/gate/queries';
import { checkTable } from '../../../tasks/DatabricksRefreshMonitors/src/gate/check';

const DRIFT = 'main.ml_mon.churn_drift_metrics';
const PROFILE = 'main.ml_mon.churn_profile_metrics';
const DAY = 86_400_000;
const T0 = Date.UTC(2025, 0, 1);

interface DriftSeed {
  day: number;
  column: string;
  driftType?: string;
  granularity?: string;
  model?: string | null;
  slice?: string | null;
  psi: number | null;
  ksP?: number | null;
}

async function engineWithTables(
  drift: DriftSeed[],
  profile: Array<{ day: number; column: string; logType?: string; f1: number | null; model?: string | null }>,
): Promise<SqlEngine> {
  const uc = new UnityCatalogStore(() => Date.now());
  uc.addSchema('main.ml_mon');
  const engine = new SqlEngine(() => uc);
  await engine.exec(
    `CREATE TABLE ${DRIFT} (window STRUCT(start TIMESTAMP, \`end\` TIMESTAMP), granularity VARCHAR, model_id VARCHAR, slice_key VARCHAR, slice_value VARCHAR,
      column_name VARCHAR, drift_type VARCHAR, population_stability_index DOUBLE, ks_test STRUCT(statistic DOUBLE, pvalue DOUBLE))`,
  );
  await engine.exec(
    `CREATE TABLE ${PROFILE} (window STRUCT(start TIMESTAMP, \`end\` TIMESTAMP), granularity VARCHAR, model_id VARCHAR, slice_key VARCHAR, slice_value VARCHAR,
      column_name VARCHAR, log_type VARCHAR, f1_score STRUCT(macro DOUBLE, weighted DOUBLE))`,
  );
  for (const d of drift) {
    const values: Record<string, SeedValue> = {
      s: new Date(T0 + d.day * DAY),
      e: new Date(T0 + (d.day + 1) * DAY),
      g: d.granularity ?? '1 day',
      m: d.model === undefined ? '*' : d.model,
      k: d.slice ?? null,
      c: d.column,
      t: d.driftType ?? 'BASELINE',
      psi: d.psi,
      ks: d.ksP ?? null,
    };
    await engine.exec(`INSERT INTO ${DRIFT} VALUES ({'start': :s, 'end': :e}, :g, :m, :k, :k, :c, :t, :psi, {'statistic': 0.5, 'pvalue': :ks})`, values);
  }
  for (const p of profile) {
    const values: Record<string, SeedValue> = {
      s: new Date(T0 + p.day * DAY),
      e: new Date(T0 + (p.day + 1) * DAY),
      m: p.model === undefined ? '*' : p.model,
      c: p.column,
      l: p.logType ?? 'INPUT',
      f1: p.f1,
    };
    await engine.exec(`INSERT INTO ${PROFILE} VALUES ({'start': :s, 'end': :e}, '1 day', :m, NULL, NULL, :c, :l, {'macro': :f1, 'weighted': :f1})`, values);
  }
  return engine;
}

async function run(engine: SqlEngine, s: GateStatement) {
  const result = await engine.execute(s.statement, s.parameters);
  const records = result.rows.map((row) => Object.fromEntries(result.columns.map((c, i) => [c.name, row[i]])));
  return parseMetricRows(records, s.metrics, METRIC_ALIAS);
}

describe('refresh monitors: gate SQL on the SQL engine', () => {
  const tables = { driftMetricsTable: DRIFT, profileMetricsTable: PROFILE, granularity: '1 day', modelIdColumn: 'model_id' };
  const psi = parseMetricRule('population_stability_index >= 0.2');
  const ks = parseMetricRule('ks_test.pvalue < 0.05');
  const f1 = parseMetricRule('f1_score < 0.8');

  it('reads the last N whole-table, all-models windows of the drift type and granularity', async () => {
    const seeds: DriftSeed[] = [];
    for (let day = 0; day < 5; day++) {
      seeds.push({ day, column: 'age', psi: day / 10, ksP: [0.5, 0.4, 0.3, 0.2, 0.1][day] });
      seeds.push({ day, column: 'city', psi: 0.01 });
      seeds.push({ day, column: 'age', driftType: 'CONSECUTIVE', psi: 0.99 });
      seeds.push({ day, column: 'age', model: 'v2', psi: 0.98 });
      seeds.push({ day, column: 'age', slice: 'region', psi: 0.97 });
      seeds.push({ day, column: 'age', granularity: '1 week', psi: 0.96 });
      seeds.push({ day, column: ':table', psi: 0.95 });
    }
    const engine = await engineWithTables(seeds, []);
    const data = await run(engine, driftStatement(tables, [psi, ks], { driftType: 'BASELINE', windows: 3 }));
    assert.deepEqual(
      data.rows.map((r) => [r.rank, r.column, r.start, r.values]),
      [
        [1, 'age', '2025-01-05T00:00:00.000Z', [0.4, 0.1]],
        [1, 'city', '2025-01-05T00:00:00.000Z', [0.01, null]],
        [2, 'age', '2025-01-04T00:00:00.000Z', [0.3, 0.2]],
        [2, 'city', '2025-01-04T00:00:00.000Z', [0.01, null]],
        [3, 'age', '2025-01-03T00:00:00.000Z', [0.2, 0.3]],
        [3, 'city', '2025-01-03T00:00:00.000Z', [0.01, null]],
      ],
    );
    const e = evaluateRule(DRIFT, psi, data, { evaluationWindows: 3, violationWindows: 3, columns: [], excludeColumns: [] }, 'none');
    assert.deepEqual(
      e.columns.map((c) => [c.column, c.drifted, c.violations]),
      [
        ['age', true, 3],
        ['city', false, 0],
      ],
    );
    assert.equal(e.columns[0]!.windows[0]!.end, '2025-01-04T00:00:00.000Z');
  });

  it('counts rows without a model id (not an inference log) as whole-table rows', async () => {
    const engine = await engineWithTables([{ day: 0, column: 'age', model: null, psi: 0.3 }], []);
    const data = await run(engine, driftStatement(tables, [psi], { driftType: 'BASELINE', windows: 1 }));
    assert.deepEqual(
      data.rows.map((r) => r.values),
      [[0.3]],
    );
    const noFilters = await run(engine, driftStatement({ driftMetricsTable: DRIFT }, [psi], { driftType: 'BASELINE', windows: 1 }));
    assert.equal(noFilters.rows.length, 1);
  });

  it('returns no rows when the drift type has none (no baseline)', async () => {
    const engine = await engineWithTables([{ day: 0, column: 'age', driftType: 'CONSECUTIVE', psi: null }], []);
    const data = await run(engine, driftStatement(tables, [psi], { driftType: 'BASELINE', windows: 1 }));
    assert.deepEqual(data.rows, []);
  });

  it('reads model quality from the INPUT :table rows of the profile table', async () => {
    const engine = await engineWithTables(
      [],
      [
        { day: 0, column: ':table', f1: 0.9 },
        { day: 1, column: ':table', f1: 0.7 },
        { day: 1, column: ':table', logType: 'BASELINE', f1: 0.95 },
        { day: 1, column: ':table', model: 'v1', f1: 0.1 },
        { day: 1, column: 'age', f1: null },
      ],
    );
    const data = await run(engine, profileStatement(tables, [f1], { windows: 2 }));
    const e = evaluateRule(PROFILE, f1, data, { evaluationWindows: 2, violationWindows: 1, columns: [], excludeColumns: [] }, 'none');
    assert.deepEqual(
      e.columns.map((c) => [c.column, c.latest, c.windows.map((w) => w.value), c.drifted]),
      [[':table', 0.7, [0.9, 0.7], true]],
    );
  });

  describe('one model id slice (modelId)', () => {
    const slice = (modelId: string) => ({ ...tables, modelId });
    const seeds = (): DriftSeed[] => {
      const out: DriftSeed[] = [];
      for (let day = 0; day < 3; day++) {
        out.push({ day, column: 'age', psi: 0.05 });
        out.push({ day, column: 'age', model: 'main.ml.churn_model/7', psi: 0.04 });
        // The canary serves from day 1 only, and drifts.
        if (day > 0) out.push({ day, column: 'age', model: 'main.ml.churn_model/8', psi: 0.3 });
        out.push({ day, column: 'age', model: 'main.ml.churn_model/8', slice: 'region', psi: 0.9 });
      }
      return out;
    };

    it("reads only the slice's rows, its own windows ranked, the model id compared case-insensitively", async () => {
      const engine = await engineWithTables(seeds(), []);
      const statement = driftStatement(slice('Main.ML.churn_model/8'), [psi], { driftType: 'BASELINE', windows: 3 });
      assert.deepEqual(
        statement.parameters.find((p) => p.name === 'model_id'),
        { name: 'model_id', value: 'Main.ML.churn_model/8' },
      );
      assert.equal(
        statement.parameters.find((p) => p.name === 'all_models'),
        undefined,
      );
      const data = await run(engine, statement);
      assert.deepEqual(
        data.rows.map((r) => [r.rank, r.column, r.values]),
        [
          [1, 'age', [0.3]],
          [2, 'age', [0.3]],
        ],
      );
      const all = await run(engine, driftStatement(tables, [psi], { driftType: 'BASELINE', windows: 3 }));
      assert.deepEqual(
        all.rows.map((r) => r.values),
        [[0.05], [0.05], [0.05]],
      );
    });

    it('lists the model ids a metric table holds (not *, not sliced rows only)', async () => {
      const engine = await engineWithTables([...seeds(), { day: 0, column: 'age', model: 'only-in-a-slice', slice: 'region', psi: 0.1 }], []);
      const s = modelIdsStatement(DRIFT, 'model_id');
      const r = await engine.execute(s.statement, s.parameters);
      assert.deepEqual(r.rows, [['main.ml.churn_model/7'], ['main.ml.churn_model/8']]);
    });

    it('checkTable: drift on the canary slice is found although the all-models rows show none; an unknown id is insufficient data naming the ids there are', async () => {
      const engine = await engineWithTables(seeds(), [{ day: 2, column: ':table', f1: 0.9 }]);
      const runStatement = async (st: GateStatement) => {
        const result = await engine.execute(st.statement, st.parameters);
        return result.rows.map((row) => Object.fromEntries(result.columns.map((c, i) => [c.name, row[i]])));
      };
      const settings = { driftType: 'BASELINE' as const, evaluationWindows: 1, violationWindows: 1, columns: [], excludeColumns: [] };
      const facts = { ...tables, profileType: 'inferenceLog' as const, baselineTableName: 'main.ml.train' };
      assert.equal((await checkTable(DRIFT, facts, [psi], settings, runStatement)).verdict, 'no-drift');
      const canary = await checkTable(DRIFT, { ...facts, modelId: 'main.ml.churn_model/8' }, [psi], settings, runStatement);
      assert.equal(canary.verdict, 'drift');
      const unknown = await checkTable(DRIFT, { ...facts, modelId: 'main.ml.churn_model/9' }, [psi, f1], settings, runStatement);
      assert.equal(unknown.verdict, 'insufficient-data');
      assert.deepEqual(unknown.reasons, [
        'no BASELINE drift metrics for model id main.ml.churn_model/9 yet: the metric table holds model ids main.ml.churn_model/7, main.ml.churn_model/8 (a model id gets rows once requests it served are in a window the monitor has refreshed)',
        'no profile metrics for model id main.ml.churn_model/9 yet: the metric table holds no per-model rows yet (a model id gets rows once requests it served are in a window the monitor has refreshed)',
      ]);
    });

    it('checkTable refuses a slice on a monitor without model ids (an error, never "no drift")', async () => {
      const engine = await engineWithTables(seeds(), []);
      const runStatement = async () => {
        await engine.exec('SELECT 1');
        throw new Error('no statement may run');
      };
      const settings = { driftType: 'BASELINE' as const, evaluationWindows: 1, violationWindows: 1, columns: [], excludeColumns: [] };
      await assert.rejects(
        checkTable(DRIFT, { driftMetricsTable: DRIFT, profileType: 'timeSeries', modelId: 'm/1' }, [psi], settings, runStatement),
        (e: Error) => e.name === 'GateSetupError' && /modelId m\/1: the monitor has no model id slices \(it profiles timeSeries\)/.test(e.message),
      );
    });
  });
});
