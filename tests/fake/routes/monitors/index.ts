/**
 * Data profiling monitors through both APIs, over one store (store.ts; legacy.ts and
 * dataQuality.ts answer each API, as shared/api/monitors/ adapts to each): both APIs
 * see the same monitors, as they appear to on a real workspace [unconfirmed].
 *
 * Faithful points:
 * - legacy `/api/2.1/unity-catalog/tables/{full_name}/monitor` (names, `*_col`, `notifications`,
 *   `PROBLEM_TYPE_*`, `MONITOR_STATUS_*`, plain refresh states) and data quality v1
 *   `/api/data-quality/v1/monitors/table/{table_id}` (UUIDs, `output_schema_id`, `*_column`,
 *   `notification_settings`, prefixed enums, PATCH applying exactly the `update_mask` paths);
 * - GET never returns the write-only `warehouse_id` / `skip_builtin_dashboard`; empty lists are
 *   omitted; legacy PUT keeps assets_dir (a different one is refused) and refuses the read-only
 *   `schedule.pause_status` [unconfirmed: the service may ignore it];
 * - status PENDING → ACTIVE after `activationMs` (scaled), or ERROR/FAILED with a failure
 *   message (`failNextCreate`); metric tables `{output_schema}.{table}_profile_metrics` /
 *   `_drift_metrics` created in the SQL engine on creation and refilled by every successful
 *   refresh (seeds/monitoring.ts);
 * - refreshes PENDING → RUNNING → SUCCESS/FAILED with per-table durations, scripted failures,
 *   cancel; a second refresh while one is PENDING/RUNNING → 409 RESOURCE_CONFLICT (or, with
 *   `conflictMode = 'INVALID_STATE'`, 400 INVALID_STATE) [unconfirmed];
 * - `v1Mode` makes the v1 API unavailable: 404 ENDPOINT_NOT_FOUND, 400 FEATURE_DISABLED,
 *   400 FEATURE_NOT_ENABLED or 501 NOT_IMPLEMENTED;
 * - the v1 list `GET /api/data-quality/v1/monitors` answers 501 NOT_IMPLEMENTED: both SDKs mark
 *   it "(Unimplemented)" (py-sdk `dataquality.py` `list_monitor`), so nothing may depend on it;
 * - the legacy GET of a table without monitor answers 404 "Cannot find Monitor with ID:
 *   /metastores:<uuid>/tables:<uuid>/" (its error_code is unconfirmed, so it is
 *   `legacyMissingCode`);
 * - `inference_log.prediction_probability_column` (v1) / `prediction_proba_col` (legacy);
 * - the legacy PUT is a full object: `data_classification_config` and
 *   `notifications.on_new_classification_tag_detected` left out of it are reset (the risk py-sdk
 *   `catalog.py` `QualityMonitorsAPI.update` warns of); `dashboard_id` left out keeps the dashboard [unconfirmed].
 */
import type { FakeWorkspace, RouteModule } from '../../workspace';
import { v1Cancel, v1Create, v1Delete, v1Get, v1List, v1Refresh, v1Refreshes, v1Update } from './dataQuality';
import { legacyCancel, legacyCreate, legacyDelete, legacyGet, legacyRefresh, legacyRefreshes, legacyUpdate } from './legacy';
import { MonitorStore } from './store';

export const monitorRoutes: RouteModule = {
  name: 'monitors',
  install(workspace: FakeWorkspace): void {
    workspace.defineState('monitors', () => new MonitorStore(workspace));
    const legacy = '/api/2.1/unity-catalog/tables/:table/monitor';
    workspace.route('POST', legacy, legacyCreate);
    workspace.route('GET', legacy, legacyGet);
    workspace.route('PUT', legacy, legacyUpdate);
    workspace.route('DELETE', legacy, legacyDelete);
    workspace.route('POST', `${legacy}/refreshes`, legacyRefreshes);
    workspace.route('GET', `${legacy}/refreshes`, legacyRefreshes);
    workspace.route('GET', `${legacy}/refreshes/:id`, legacyRefresh);
    workspace.route('POST', `${legacy}/refreshes/:id/cancel`, legacyCancel);
    const v1 = '/api/data-quality/v1/monitors';
    workspace.route('POST', v1, v1Create);
    workspace.route('GET', v1, v1List);
    workspace.route('GET', `${v1}/:type/:id`, v1Get);
    workspace.route('PATCH', `${v1}/:type/:id`, v1Update);
    workspace.route('DELETE', `${v1}/:type/:id`, v1Delete);
    workspace.route('POST', `${v1}/:type/:id/refreshes`, v1Refreshes);
    workspace.route('GET', `${v1}/:type/:id/refreshes`, v1Refreshes);
    workspace.route('GET', `${v1}/:type/:id/refreshes/:rid`, v1Refresh);
    workspace.route('POST', `${v1}/:type/:id/refreshes/:rid/cancel`, v1Cancel);
  },
};
