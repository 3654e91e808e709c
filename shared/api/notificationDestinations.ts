/**
 * Notification destinations (`/api/2.0/notification-destinations`, reference §4.3): Slack,
 * Microsoft Teams, PagerDuty, webhooks and e-mail lists a workspace admin configured. A pipeline
 * only reads them: it resolves a destination by its display name (List gives id, name and type
 * to non-admins too; names need not be unique) and subscribes alerts to its id.
 */
import type { settings } from '@databricks/sdk-experimental';
import type { DatabricksClient } from '../client/databricksClient';
import { collect, paginate } from '../client/paginate';

export type NotificationDestination = Required<Pick<settings.ListNotificationDestinationsResult, 'id' | 'display_name'>> & Pick<settings.ListNotificationDestinationsResult, 'destination_type'>;

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
  const available = () => (all.length ? all.map((d) => `"${d.display_name}" (${d.destination_type ?? 'unknown type'})`).join(', ') : 'none (a workspace admin creates them under Settings → Notifications)');
  for (const name of wanted) {
    let matches = all.filter((d) => d.display_name === name);
    if (matches.length === 0) matches = all.filter((d) => d.display_name.toLowerCase() === name.toLowerCase());
    if (matches.length === 0) throw new UnknownDestinationError(`${input}: there is no notification destination named "${name}". Available: ${available()}.`);
    if (matches.length > 1) throw new UnknownDestinationError(`${input}: ${matches.length} notification destinations are named "${name}" (ids ${matches.map((d) => d.id).join(', ')}); rename one so the name is unique.`);
    out.set(name, matches[0]!);
  }
  return out;
}
