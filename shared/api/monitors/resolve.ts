/**
 * Which monitor API to use: forced by `monitorApi`, or under `auto` probed with a per-table read
 * of data quality v1, falling back to the legacy API only when the answer says v1 is unavailable
 * (route not found, feature disabled or not enabled, not implemented).
 */
import type { DatabricksClient } from '../../client/databricksClient';
import { DatabricksApiError, isNotFound } from '../../client/errors';
import { apiPath } from '../../client/path';
import { isDataQualityUnavailable } from './answers';
import { DataQualityMonitorApi } from './dataQuality';
import { LegacyMonitorApi } from './legacy';
import type { MonitorApi, MonitorApiPreference } from './model';
import { message } from '../../runtime/messages';

export interface ResolvedMonitorApi {
  api: MonitorApi;
  /** Why legacy was chosen under `auto`, for the log. */
  fallbackReason?: string;
  /** Under `auto`: which answer decided, for the log (`GET … answered 404 RESOURCE_DOES_NOT_EXIST`). */
  decidedBy?: string;
}

export class MonitorApiProbeError extends Error {
  override readonly name = 'MonitorApiProbeError';
}

/**
 * The API to use: forced, or (auto) v1 unless a per-table read says it is unavailable
 * (never the list call, "(Unimplemented)" in both SDKs: py-sdk `dataquality.py` `list_monitor`): `GET /api/data-quality/v1/monitors/table/<id>` of
 * the first of `probeTables` that exists answers 200, or 404 about the monitor → v1;
 * ENDPOINT_NOT_FOUND / FEATURE_DISABLED / FEATURE_NOT_ENABLED / NOT_IMPLEMENTED / 501 → legacy;
 * anything else is reported, not guessed from. When no table exists to probe with, v1 is used
 * (both APIs need the table anyway).
 */
export async function resolveMonitorApi(client: DatabricksClient, preference: MonitorApiPreference, probeTables: readonly string[] = []): Promise<ResolvedMonitorApi> {
  if (preference === 'legacy') return { api: new LegacyMonitorApi(client) };
  const v1 = new DataQualityMonitorApi(client);
  if (preference === 'dataQuality') return { api: v1 };
  let probe: { table: string; id: string } | undefined;
  for (const table of probeTables) {
    const id = await v1.findTableId(table);
    if (id) {
      probe = { table, id };
      break;
    }
  }
  if (!probe) return { api: v1, decidedBy: message('MonitorApiNoProbeTable') };
  const route = apiPath`/api/data-quality/v1/monitors/table/${probe.id}`;
  try {
    await client.get(route);
    return { api: v1, decidedBy: message('MonitorApiProbeAnswered', `GET ${route}`, probe.table, '200') };
  } catch (e) {
    if (!(e instanceof DatabricksApiError)) throw e;
    const answer = message('MonitorApiProbeAnswered', `GET ${route}`, probe.table, `${e.statusCode} ${e.errorCode}`);
    if (isDataQualityUnavailable(e)) return { api: new LegacyMonitorApi(client), fallbackReason: message('MonitorApiUnavailable', e.errorCode), decidedBy: answer };
    if (isNotFound(e) && /monitor/i.test(e.serviceMessage)) return { api: v1, decidedBy: message('MonitorApiAboutMonitor', answer) };
    throw new MonitorApiProbeError(message('MonitorApiUndecided', answer, e.serviceMessage));
  }
}
