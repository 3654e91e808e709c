/**
 * The plan of a run as ChangeEntry records (the report's `changes`, the dryRun output and the
 * summary all come from these), and their rendering as a readable diff.
 */
import { renderChanges as renderPlan } from '../../../shared/runtime/plan';
import type { AiGatewayConfig, EmailNotifications } from '../../../shared/api/serving';
import type { ChangeEntry } from '../../../shared/runtime/reportTypes';
import { usageTracked, type TagPatch } from './gateway';
import { describeEntity, sameEntity, type ServingConfig } from './servedConfig';
import { message } from './messages';

export function configChange(endpointName: string, before: ServingConfig | undefined, after: ServingConfig): ChangeEntry {
  const fields: NonNullable<ChangeEntry['fields']> = [];
  const names = [...new Set([...(before?.entities ?? []).map((e) => e.name), ...after.entities.map((e) => e.name)])];
  for (const name of names) {
    const b = before?.entities.find((e) => e.name === name);
    const a = after.entities.find((e) => e.name === name);
    const bText = b ? describeEntity(b, before?.traffic[name]) : undefined;
    const aText = a ? describeEntity(a, after.traffic[name]) : undefined;
    const unchanged = a && b && sameEntity(a, b) && (before?.traffic[name] ?? 0) === (after.traffic[name] ?? 0);
    if (!unchanged) fields.push({ path: `served_entities.${name}`, before: bText, after: aText });
  }
  const action = !before ? 'create' : fields.length ? 'update' : 'noop';
  return { action, resource: message('PlanEndpointServed', endpointName), fields };
}

export function gatewayChange(endpointName: string, before: AiGatewayConfig | undefined, after: AiGatewayConfig | undefined, disableFirst: boolean): ChangeEntry {
  const fields: NonNullable<ChangeEntry['fields']> = [];
  const table = (g: AiGatewayConfig | undefined) => {
    const t = g?.inference_table_config;
    return t?.enabled ? message('PlanTableEnabled', `${t.catalog_name}.${t.schema_name}.${t.table_name_prefix}_payload`) : t ? message('PlanDisabled') : undefined;
  };
  const limits = (g: AiGatewayConfig | undefined) =>
    g?.rate_limits?.map((l) => `${l.key ?? 'endpoint'}${l.principal ? `:${l.principal}` : ''} ${l.calls ?? l.tokens}/${l.renewal_period}`).join(', ') || undefined;
  if (after && table(before) !== table(after)) {
    fields.push({ path: 'ai_gateway.inference_table_config', before: table(before), after: disableFirst ? message('PlanDisableFirst', String(table(after))) : table(after) });
  }
  if (after && limits(before) !== limits(after)) fields.push({ path: 'ai_gateway.rate_limits', before: limits(before), after: limits(after) });
  const tracking = (g: AiGatewayConfig | undefined) => (g === undefined ? undefined : usageTracked(g) ? message('PlanEnabled') : message('PlanDisabled'));
  if (after && tracking(before) !== tracking(after) && (before !== undefined || usageTracked(after))) {
    fields.push({ path: 'ai_gateway.usage_tracking_config', before: tracking(before), after: tracking(after) });
  }
  return { action: fields.length ? (before ? 'update' : 'create') : 'noop', resource: message('PlanEndpointGateway', endpointName), fields };
}

export function tagsChange(endpointName: string, current: Array<{ key: string; value?: string }> | undefined, patch: TagPatch | undefined): ChangeEntry {
  const have = new Map((current ?? []).map((t) => [t.key, t.value]));
  const fields = (patch?.add_tags ?? []).map((t) => ({ path: `tags.${t.key}`, before: have.get(t.key), after: t.value }));
  return { action: fields.length ? 'update' : 'noop', resource: message('PlanEndpointTags', endpointName), fields };
}

export function notificationsChange(endpointName: string, current: EmailNotifications | undefined, next: EmailNotifications | undefined): ChangeEntry {
  const fields = next
    ? [{ path: 'email_notifications.on_update_failure', before: current?.on_update_failure?.join(', ') || undefined, after: next.on_update_failure?.join(', ') }]
    : [];
  return { action: fields.length ? 'update' : 'noop', resource: message('PlanEndpointNotifications', endpointName), fields };
}

export { hasChanges } from '../../../shared/runtime/plan';

/** The shared diff, with served-entity lines (which start with the entity name) unlabelled. */
export function renderChanges(changes: ChangeEntry[]): string[] {
  return renderPlan(changes, (path) => (path.startsWith('served_entities.') ? '' : path.startsWith('tags.') ? message('PlanTagLabel', path.slice('tags.'.length)) : `${path}: `));
}
