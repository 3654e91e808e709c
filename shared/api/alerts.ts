/**
 * Databricks SQL alerts v2 (`/api/2.0/alerts`, go-sdk `service/sql/impl.go` alertsV2Impl). The create body is the AlertV2
 * itself; updates are PATCH with an `update_mask` naming the fields sent; DELETE moves an alert
 * to the trash. Alerts have no natural key, so callers find theirs by display name; the same
 * name finds an alert whose create answer was lost (the create is never re-sent blindly).
 */
import type { sql } from '@databricks/sdk-experimental';
import type { DatabricksClient } from '../client/databricksClient';
import { createOnce } from '../client/createOnce';
import { collect, paginate } from '../client/paginate';
import { apiPath } from '../client/path';

export type AlertV2 = sql.AlertV2;
/** Top-level AlertV2 fields an update may name. */
export type AlertField = 'display_name' | 'query_text' | 'warehouse_id' | 'evaluation' | 'schedule' | 'parent_path' | 'custom_summary' | 'custom_description';

/** Every alert not in the trash. */
export function listAlerts(client: DatabricksClient): Promise<AlertV2[]> {
  return collect(
    paginate(
      (pageToken) => client.get<sql.ListAlertsV2Response>('/api/2.0/alerts', { page_size: 100, page_token: pageToken }),
      (page) => page.alerts,
    ),
  );
}

/** The alerts (not trashed) with exactly this display name. */
export async function findAlertsByName(client: DatabricksClient, displayName: string): Promise<AlertV2[]> {
  return (await listAlerts(client)).filter((a) => a.display_name === displayName && a.lifecycle_state !== 'DELETED');
}

export interface CreateAlertOptions {
  /** Whether an alert of the same name found after a lost answer is the one asked for. */
  matches?: (found: AlertV2) => boolean;
  onRecovered?: (message: string) => void;
}

/** Creates the alert; after a lost answer (504, timeout) it is looked up by name before any new create. */
export function createAlert(client: DatabricksClient, alert: AlertV2, options: CreateAlertOptions = {}): Promise<AlertV2> {
  return createOnce({
    create: () => client.post<AlertV2>('/api/2.0/alerts', alert, { resendAfterLostAnswer: false }),
    find: async () => (await findAlertsByName(client, alert.display_name)).sort((a, b) => (a.create_time ?? '').localeCompare(b.create_time ?? ''))[0],
    matches: options.matches ?? (() => true),
    what: `the alert "${alert.display_name}"`,
    onRecovered: options.onRecovered,
  });
}

export function getAlert(client: DatabricksClient, id: string): Promise<AlertV2> {
  return client.get<AlertV2>(apiPath`/api/2.0/alerts/${id}`);
}

/** Updates the named fields only (PATCH with update_mask). */
export function updateAlert(client: DatabricksClient, id: string, alert: AlertV2, fields: readonly AlertField[]): Promise<AlertV2> {
  return client.patch<AlertV2>(apiPath`/api/2.0/alerts/${id}`, alert, { query: { update_mask: fields.join(',') } });
}

/** Moves the alert to the trash. */
export async function trashAlert(client: DatabricksClient, id: string): Promise<void> {
  await client.delete(apiPath`/api/2.0/alerts/${id}`);
}

/** The alert's page in the workspace UI. */
export function alertPath(id: string): string {
  return apiPath`/sql/alerts-v2/${id}`;
}
