/** Helpers both monitor APIs use: the monitored table, its columns, a refresh by id. */
import type { catalog } from '@databricks/sdk-experimental';
import { fail, type RequestContext } from '../../http';
import { GRANULARITY_ENUM, type MonitorRecord, type Profile, type RefreshRecord } from './model';

export function requireTable(ctx: RequestContext, fullName: string): catalog.TableInfo {
  const parts = fullName.toLowerCase().split('.');
  if (parts.length !== 3 || parts.some((p) => p === '')) fail(400, 'INVALID_PARAMETER_VALUE', `Invalid table name '${fullName}': expected the form <catalog>.<schema>.<table>.`);
  return ctx.workspace.state.uc.getTable(fullName) ?? fail(404, 'TABLE_DOES_NOT_EXIST', `Table '${fullName.toLowerCase()}' does not exist.`);
}

/** Unity Catalog has no lookup by id; the fake scans the tables of the schemas it knows of. */
export function tableById(ctx: RequestContext, tableId: string): catalog.TableInfo | undefined {
  const monitored = ctx.workspace.state.monitors.byTableId(tableId);
  if (monitored) return ctx.workspace.state.uc.getTable(monitored.tableName);
  return ctx.workspace.state.monitors.knownTables().find((t) => t.table_id === tableId);
}

export function checkColumns(table: catalog.TableInfo, profile: Profile): void {
  const names = new Set((table.columns ?? []).map((c) => c.name));
  for (const [role, column] of Object.entries({
    prediction: profile.prediction,
    label: profile.label,
    model_id: profile.modelId,
    timestamp: profile.timestamp,
    prediction_proba: profile.predictionProba,
  })) {
    if (column !== undefined && !names.has(column)) fail(400, 'INVALID_PARAMETER_VALUE', `The ${role} column '${column}' does not exist in table '${table.full_name}'.`);
  }
  for (const g of profile.granularities ?? []) if (!GRANULARITY_ENUM[g]) fail(400, 'INVALID_PARAMETER_VALUE', `Invalid granularity '${g}'.`);
}

export function emptyToUndefined<T>(list: T[] | undefined): T[] | undefined {
  return list && list.length > 0 ? list : undefined;
}

export function findRefresh(m: MonitorRecord, id: string | undefined): RefreshRecord {
  return m.refreshes.find((r) => String(r.id) === id) ?? fail(404, 'RESOURCE_DOES_NOT_EXIST', `Refresh ${id} does not exist for table '${m.tableName}'.`);
}
