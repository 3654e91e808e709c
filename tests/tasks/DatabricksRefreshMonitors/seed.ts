/**
 * Monitored tables for the RefreshMonitors tests, benchmark and demo: a Unity Catalog table, its
 * monitor in the fake's store (both monitor APIs see it), and optionally the metric rows of
 * refreshes that already ran, so the gate has several windows to read once the task's own
 * refresh adds the latest one.
 */
import type { MonitorRecord, RefreshRecord } from '../../fake/routes/monitors/model';
import type { SeverityContext, StatsContext } from '../../fake/seeds/monitoring';
import type { FakeWorkspace } from '../../fake/workspace';

/** The monitored table's columns: two numeric and one categorical feature, plus the inference-log columns. */
export const FEATURES = ['age', 'income', 'region'] as const;

export interface MonitoredTableOptions {
  /** catalog.schema.table */
  table: string;
  /** catalog.schema of the metric tables (default: the table's schema). */
  outputSchema?: string;
  /** inferenceLog (classification with a label: model-quality rows) or timeSeries. */
  profile?: 'inferenceLog' | 'timeSeries';
  /** A baseline table is configured (BASELINE drift rows are written). Default true. */
  baseline?: boolean;
  /** Successful refreshes before the task runs (each adds a window, up to the store's maxWindows). */
  pastRefreshes?: number;
  /** Drift severity (PSI) of a cell in the rows refreshes write; default 0.03, i.e. no drift. */
  severity?: (c: SeverityContext) => number;
  /** Workspace time a refresh of this table runs (scaled by the fake). */
  refreshDurationMs?: number;
  /** The refreshes of this table end FAILED with this message. */
  refreshFailure?: string;
  /** Column statistics of the INPUT profile rows refreshes write (e.g. `{ max: 150 }` on age). */
  stats?: (c: StatsContext) => Partial<Record<string, number>> | undefined;
  /** Custom metrics of the monitor, and their values in the rows refreshes write. */
  customMetrics?: Array<{ name: string; type: 'AGGREGATE' | 'DERIVED' | 'DRIFT'; inputColumns: string[] }>;
  customValue?: (c: StatsContext & { metric: string }) => number;
  /** inferenceLog: the model ids refreshes write slices for (the table exists in Unity Catalog only). */
  modelIds?: string[];
}

/** PSI `value` on `column` in the windows `windows` counts back from the latest (0 = latest); 0.03 elsewhere. */
export function driftOn(column: string, value: number, windowsBack: readonly number[] = [0]): (c: SeverityContext) => number {
  return (c) => (c.column === column && windowsBack.includes(c.windows - 1 - c.window) ? value : 0.03);
}

export async function seedMonitoredTable(ws: FakeWorkspace, o: MonitoredTableOptions): Promise<MonitorRecord> {
  const [catalogName, schemaName] = o.table.split('.');
  const inferenceLog = (o.profile ?? 'inferenceLog') === 'inferenceLog';
  const info = ws.state.uc.addTable({
    fullName: o.table,
    columns: [
      { name: 'timestamp', type: 'TIMESTAMP' },
      ...(inferenceLog ? [{ name: 'model_id', type: 'STRING' }] : []),
      { name: 'age', type: 'INT' },
      { name: 'income', type: 'DOUBLE' },
      { name: 'region', type: 'STRING' },
      ...(inferenceLog
        ? [
            { name: 'prediction', type: 'INT' },
            { name: 'label', type: 'INT' },
          ]
        : []),
    ],
  });
  const outputSchema = ws.state.uc.addSchema(o.outputSchema ?? `${catalogName}.${schemaName}`);
  const store = ws.state.monitors;
  if (o.refreshDurationMs !== undefined) store.refreshDurations.set(info.full_name!, o.refreshDurationMs);
  if (o.refreshFailure !== undefined) store.refreshFailures.set(info.full_name!, o.refreshFailure);
  if (o.severity) store.driftSeverity.set(info.full_name!, o.severity);
  if (o.stats) store.columnStats.set(info.full_name!, o.stats);
  if (o.customValue) store.customMetricValues.set(info.full_name!, o.customValue);
  if (o.modelIds) store.modelIds.set(info.full_name!, o.modelIds);
  const monitor = await store.create({
    tableName: info.full_name!,
    tableId: info.table_id!,
    outputSchemaName: outputSchema.full_name!,
    outputSchemaId: outputSchema.schema_id!,
    assetsDir: `/Workspace/Shared/lakehouse_monitoring/${info.full_name}`,
    profile: inferenceLog
      ? { kind: 'inference_log', problemType: 'CLASSIFICATION', prediction: 'prediction', label: 'label', modelId: 'model_id', timestamp: 'timestamp', granularities: ['1 day'] }
      : { kind: 'time_series', timestamp: 'timestamp', granularities: ['1 day'] },
    baselineTableName: o.baseline === false ? undefined : `${info.full_name}_baseline`,
    slicingExprs: [],
    customMetrics: (o.customMetrics ?? []).map((c) => ({
      name: c.name,
      type: c.type,
      definition: c.type === 'DRIFT' ? '{{current_df}}.avg - {{base_df}}.avg' : 'avg(CASE WHEN income > 100000 THEN 1 ELSE 0 END)',
      input_columns: c.inputColumns,
      output_data_type: JSON.stringify({ name: 'output', type: 'double', nullable: true, metadata: {} }),
    })),
    emails: [],
  });
  monitor.activeAt = Date.now(); // active at once: these tests are about refreshes, not creation

  const past = o.pastRefreshes ?? 0;
  if (past > 0) {
    const now = Date.now();
    for (let i = 0; i < past; i++) {
      const endAt = now - (past - i) * 60_000;
      // Only the last one is left for settle(): it then writes all `past` windows in one go.
      monitor.refreshes.push(pastRefresh(9_000 + i, endAt, i < past - 1));
    }
    await store.settle(monitor);
  }
  return monitor;
}

/**
 * A refresh started by someone else (the schedule) that is RUNNING now and lasts `durationMs`
 * (workspace time, scaled), or, with 'held', until the test ends it (`store.endRefresh`).
 */
export function startScheduledRefresh(ws: FakeWorkspace, table: string, durationMs: number | 'held'): RefreshRecord {
  const monitor = ws.state.monitors.get(table);
  if (!monitor) throw new Error(`No monitor on ${table}`);
  const now = Date.now();
  const endAt = durationMs === 'held' ? Infinity : now + ws.scaled(durationMs);
  const refresh: RefreshRecord = { id: 8_000 + monitor.refreshes.length, trigger: 'SCHEDULE', startMs: now, runningAt: now, endAt };
  monitor.refreshes.push(refresh);
  return refresh;
}

function pastRefresh(id: number, endAt: number, metricsWritten: boolean): RefreshRecord {
  return { id, trigger: 'SCHEDULE', startMs: endAt - 30_000, runningAt: endAt - 20_000, endAt, metricsWritten };
}
