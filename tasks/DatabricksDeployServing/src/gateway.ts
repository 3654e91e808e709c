/**
 * AI Gateway, tags and e-mail notifications: what the endpoint has, merged with what the task
 * wants, and only the difference. A PUT of the AI Gateway replaces the whole object, so every
 * field the task does not manage (guardrails, usage tracking, fallback, other rate limits) is
 * carried over from GET.
 */
import type { AiGatewayConfig, AiGatewayInferenceTableConfig, AiGatewayRateLimit, EmailNotifications, EndpointTag } from '../../../shared/api/serving';
import type { KeyValue } from '../../../shared/runtime/rules/lists';
import type { InferenceTableTarget } from './parameters';

export interface GatewayWish {
  inferenceTable?: InferenceTableTarget;
  rateLimitPerMinute?: number;
  /** AI Gateway usage tracking on or off; undefined: what the endpoint has is kept. */
  usageTracking?: boolean;
}

export interface GatewayPlan {
  /** The full object to PUT (undefined: nothing to change). */
  target?: AiGatewayConfig;
  /**
   * The inference table is enabled somewhere else: the service refuses to move it while
   * enabled, so it is first PUT with this (same location, enabled false).
   */
  disableFirst?: AiGatewayConfig;
}

/** The AI Gateway object for a new endpoint's create request (undefined: none). */
export function gatewayForCreate(wish: GatewayWish): AiGatewayConfig | undefined {
  const gateway: AiGatewayConfig = {};
  if (wish.inferenceTable) gateway.inference_table_config = enabledTable(wish.inferenceTable);
  if (wish.rateLimitPerMinute !== undefined) gateway.rate_limits = [endpointLimit(wish.rateLimitPerMinute)];
  if (wish.usageTracking) gateway.usage_tracking_config = { enabled: true };
  return Object.keys(gateway).length ? gateway : undefined;
}

export function planGateway(current: AiGatewayConfig | undefined, wish: GatewayWish): GatewayPlan {
  const base: AiGatewayConfig = { ...current };
  const target: AiGatewayConfig = { ...base };
  const table = current?.inference_table_config;
  let disableFirst: AiGatewayConfig | undefined;

  if (wish.inferenceTable) {
    target.inference_table_config = enabledTable(wish.inferenceTable);
    if (table?.enabled && !sameLocation(table, target.inference_table_config)) {
      disableFirst = { ...base, inference_table_config: { ...table, enabled: false } };
    }
  } else if (table?.enabled) {
    target.inference_table_config = { ...table, enabled: false };
  }

  if (wish.rateLimitPerMinute !== undefined) {
    // Only the endpoint-wide limit is the task's; per-user or per-group limits stay.
    const others = (current?.rate_limits ?? []).filter((l) => (l.key ?? 'endpoint') !== 'endpoint' || l.principal !== undefined);
    target.rate_limits = [...others, endpointLimit(wish.rateLimitPerMinute)];
  }
  if (wish.usageTracking !== undefined && usageTracked(current) !== wish.usageTracking) target.usage_tracking_config = { enabled: wish.usageTracking };
  return sameGateway(base, target) ? {} : { target, disableFirst };
}

function enabledTable(t: InferenceTableTarget): AiGatewayInferenceTableConfig {
  return { catalog_name: t.catalog, schema_name: t.schema, table_name_prefix: t.tablePrefix, enabled: true };
}

function endpointLimit(calls: number): AiGatewayRateLimit {
  return { calls, key: 'endpoint', renewal_period: 'minute' };
}

function sameLocation(a: AiGatewayInferenceTableConfig, b: AiGatewayInferenceTableConfig): boolean {
  const norm = (s: string | undefined) => (s ?? '').toLowerCase();
  return norm(a.catalog_name) === norm(b.catalog_name) && norm(a.schema_name) === norm(b.schema_name) && (a.table_name_prefix ?? '') === (b.table_name_prefix ?? '');
}

function sameTable(a: AiGatewayInferenceTableConfig | undefined, b: AiGatewayInferenceTableConfig | undefined): boolean {
  if (!a?.enabled && !b?.enabled) return true;
  return !!a && !!b && a.enabled === b.enabled && sameLocation(a, b);
}

function limitKey(l: AiGatewayRateLimit): string {
  return [l.key ?? 'endpoint', l.principal ?? '', l.calls ?? '', l.tokens ?? '', l.renewal_period].join('|');
}

/** Whether usage tracking is on: an absent usage_tracking_config is off. */
export function usageTracked(g: AiGatewayConfig | undefined): boolean {
  return g?.usage_tracking_config?.enabled === true;
}

function sameGateway(a: AiGatewayConfig, b: AiGatewayConfig): boolean {
  const la = (a.rate_limits ?? []).map(limitKey).sort();
  const lb = (b.rate_limits ?? []).map(limitKey).sort();
  return sameTable(a.inference_table_config, b.inference_table_config) && la.length === lb.length && la.every((k, i) => k === lb[i]) && usageTracked(a) === usageTracked(b);
}

// ---------------------------------------------------------------------------------------------
// Tags and notifications

export interface TagPatch {
  add_tags: EndpointTag[];
}

/**
 * The tags to add or change. Tags the input does not name are kept: people and policies tag
 * endpoints too, and the task cannot tell theirs from one it set in an earlier run.
 */
export function planTags(current: EndpointTag[] | undefined, wanted: KeyValue[]): TagPatch | undefined {
  const have = new Map((current ?? []).map((t) => [t.key, t.value ?? '']));
  const add_tags = wanted.filter((t) => have.get(t.key) !== t.value).map((t) => ({ key: t.key, value: t.value }));
  return add_tags.length ? { add_tags } : undefined;
}

/** The notifications to PATCH when `notifyOnFailure` differs from what is set (undefined: no change). */
export function planNotifications(current: EmailNotifications | undefined, onFailure: string[]): EmailNotifications | undefined {
  if (onFailure.length === 0) return undefined;
  const have = [...new Set((current?.on_update_failure ?? []).map((a) => a.toLowerCase()))].sort();
  const want = [...new Set(onFailure.map((a) => a.toLowerCase()))].sort();
  if (have.length === want.length && have.every((a, i) => a === want[i])) return undefined;
  return { ...current, on_update_failure: onFailure };
}
