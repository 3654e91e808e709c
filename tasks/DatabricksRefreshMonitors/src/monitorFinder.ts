/**
 * The monitor of a table, through the shared MonitorApi (shared/api/monitors/): under
 * `monitorApi: auto`, the data quality v1 API where available (decided by a per-table probe of
 * the first table looked up, never by the list call) and the legacy API for a monitor v1 does
 * not show (or where v1 is unavailable); `dataQuality` / `legacy` use that API only. The
 * refresh calls are bound to the API that found the monitor, and the monitor is reduced to the
 * facts the drift gate reads.
 */
import { LegacyMonitorApi } from '../../../shared/api/monitors/legacy';
import { dashboardPath, type Monitor, type MonitorApi, type MonitorApiPreference } from '../../../shared/api/monitors/model';
import { resolveMonitorApi } from '../../../shared/api/monitors/resolve';
import type { DatabricksClient } from '../../../shared/client/databricksClient';
import type { FoundMonitor } from './operations';
import type { RefreshHandle } from './refresh';
import { message } from './messages';

/** A lookup that resolves which API to use once, on first use (probing with that table). */
export function monitorFinder(
  client: DatabricksClient,
  preference: MonitorApiPreference = 'auto',
  onDecided?: (message: string) => void,
): (table: string) => Promise<FoundMonitor | undefined> {
  let apis: Promise<MonitorApi[]> | undefined;
  const resolve = async (table: string): Promise<MonitorApi[]> => {
    const { api, fallbackReason, decidedBy } = await resolveMonitorApi(client, preference, [table]);
    const name = message(api.kind === 'dataQuality' ? 'MonitorApiDataQualityName' : 'MonitorApiLegacyName');
    if (preference !== 'auto') onDecided?.(message('MonitorApiAsAsked', name));
    else if (fallbackReason) onDecided?.(message('MonitorApiBecause', name, fallbackReason, String(decidedBy)));
    else onDecided?.(message('MonitorApiWithLegacy', name, String(decidedBy)));
    return api.kind === 'legacy' || preference !== 'auto' ? [api] : [api, new LegacyMonitorApi(client)];
  };
  return async (table) => {
    apis ??= resolve(table);
    for (const api of await apis) {
      const monitor = await api.get(table);
      if (monitor) return target(client, api, table, monitor);
    }
    return undefined;
  };
}

function target(client: DatabricksClient, api: MonitorApi, table: string, m: Monitor): FoundMonitor {
  const refresh: RefreshHandle = {
    listRefreshes: () => api.listRefreshes(table),
    runRefresh: () => api.runRefresh(table),
    getRefresh: (id) => api.getRefresh(table, id),
    cancelRefresh: (id) => api.cancelRefresh(table, id),
  };
  const p = m.profile;
  return {
    api: m.api,
    refresh,
    link: m.dashboardId ? client.link(dashboardPath(m.dashboardId)) : undefined,
    facts: {
      driftMetricsTable: m.driftMetricsTable,
      profileMetricsTable: m.profileMetricsTable,
      baselineTableName: m.baselineTableName,
      profileType: p.type,
      problemType: p.type === 'inferenceLog' ? p.problemType : undefined,
      modelIdColumn: p.type === 'inferenceLog' ? p.modelIdColumn || undefined : undefined,
      granularities: p.type === 'snapshot' ? undefined : p.granularities,
      customMetrics: m.customMetrics.map((c) => ({ name: c.name, type: c.type, inputColumns: c.inputColumns })),
    },
  };
}
