/**
 * Notification destinations (`/api/2.0/notification-destinations`, go-sdk `service/settings` `NotificationDestinationsInterface`): Slack,
 * Microsoft Teams, PagerDuty, webhooks and e-mail lists a workspace admin configured. A pipeline
 * only reads them: it resolves a destination by its display name (List gives id, name and type
 * to non-admins too; names need not be unique) and subscribes alerts to its id, or names it in
 * a one-time job run's webhook notifications to post a message (notifyThroughJobRun).
 */
import type { jobs, settings } from '@databricks/sdk-experimental';
import type { DatabricksClient } from '../client/databricksClient';
import { collect, paginate } from '../client/paginate';
import { message } from '../runtime/messages';

export type NotificationDestination = Required<Pick<settings.ListNotificationDestinationsResult, 'id' | 'display_name'>> &
  Pick<settings.ListNotificationDestinationsResult, 'destination_type'>;

export function listNotificationDestinations(client: DatabricksClient): Promise<NotificationDestination[]> {
  return collect(
    paginate(
      (pageToken) => client.get<settings.ListNotificationDestinationsResponse>('/api/2.0/notification-destinations', { page_size: 100, page_token: pageToken }),
      (page) => (page.results ?? []).filter((d): d is NotificationDestination => d.id !== undefined && d.display_name !== undefined),
    ),
  );
}

export class UnknownDestinationError extends Error {
  override readonly name = 'UnknownDestinationError';
}

/**
 * The destinations of `names` (display names, matched exactly, then case-insensitively), in a
 * map by the name as given. An unknown or ambiguous name is an error listing what exists.
 */
export async function resolveDestinations(client: DatabricksClient, names: readonly string[], input: string): Promise<Map<string, NotificationDestination>> {
  const wanted = [...new Set(names)];
  const out = new Map<string, NotificationDestination>();
  if (wanted.length === 0) return out;
  const all = await listNotificationDestinations(client);
  const available = () =>
    all.length ? all.map((d) => `"${d.display_name}" (${d.destination_type ?? message('DestinationUnknownType')})`).join(', ') : message('DestinationsNone');
  for (const name of wanted) {
    let matches = all.filter((d) => d.display_name === name);
    if (matches.length === 0) matches = all.filter((d) => d.display_name.toLowerCase() === name.toLowerCase());
    if (matches.length === 0) throw new UnknownDestinationError(message('DestinationNotFound', input, name, available()));
    if (matches.length > 1) throw new UnknownDestinationError(message('DestinationAmbiguous', input, matches.length, name, matches.map((d) => d.id).join(', ')));
    out.set(name, matches[0]!);
  }
  return out;
}

/** Destinations a job's `webhook_notifications.on_success` may name (go-sdk `WebhookNotifications`: "A maximum of 3"). */
export const MAX_RUN_DESTINATIONS = 3;
/** Longest run name sent (the message the destination shows). */
const MAX_RUN_NAME = 256;

/**
 * Posts a message through notification destinations. The notification-destinations API has no
 * "send" call (py-sdk `settings.py` `NotificationDestinationsAPI`: destinations are used by alerts and jobs), so the message goes the
 * way jobs notify: a one-time run (`POST /api/2.2/jobs/runs/submit`, py-sdk `jobs.py`
 * `JobsAPI.submit`) named after the message, with one `condition_task` (evaluated by the Jobs
 * service itself, no cluster or warehouse) and `webhook_notifications.on_success` naming the
 * destinations, which then receive the run's success notification carrying the name. The
 * idempotency token makes a retried submit return the same run instead of notifying twice
 * (https://learn.microsoft.com/azure/databricks/kb/jobs/jobs-idempotency). That a condition-only run is accepted by runs/submit, and how each
 * destination type renders the run name, are [unconfirmed] on a real workspace.
 */
export async function notifyThroughJobRun(
  client: DatabricksClient,
  destinations: readonly NotificationDestination[],
  message: string,
  idempotencyToken: string,
): Promise<{ runId: string }> {
  if (destinations.length === 0 || destinations.length > MAX_RUN_DESTINATIONS)
    throw new Error(`notifyThroughJobRun: 1 to ${MAX_RUN_DESTINATIONS} destinations, got ${destinations.length}`);
  const runName = message.length > MAX_RUN_NAME ? `${message.slice(0, MAX_RUN_NAME - 1)}…` : message;
  const body: jobs.SubmitRun = {
    run_name: runName,
    idempotency_token: idempotencyToken.slice(0, 64),
    tasks: [
      {
        task_key: 'notify',
        description: 'Delivers the message in the run name to the notification destinations (webhook_notifications).',
        condition_task: { op: 'EQUAL_TO', left: 'notify', right: 'notify' },
      },
    ],
    webhook_notifications: { on_success: destinations.map((d) => ({ id: d.id })) },
  };
  const r = await client.post<jobs.SubmitRunResponse>('/api/2.2/jobs/runs/submit', body);
  return { runId: String(r.run_id ?? '') };
}
