/**
 * The served entities and traffic of an endpoint in one normalised shape, so that what is
 * served (GET) and what the task wants can be compared field by field, and the wanted config
 * for each traffic mode can be computed without touching the network.
 */
import type { EndpointConfigUpdate, Route, ServedEntityInput, ServedEntityOutput, ServingEndpointDetailed, TrafficConfig } from '../../../shared/api/serving';
import type { DeployTraffic } from './parameters';
import { message } from './messages';

/** Longest served entity name the service accepts (same rule as endpoint names). */
const MAX_NAME_LENGTH = 63;

export interface ServedEntity {
  name: string;
  /** catalog.schema.model, lower-case (Unity Catalog names are case-insensitive). */
  entityName: string;
  entityVersion: string;
  workloadSize?: string;
  workloadType: string;
  scaleToZero: boolean;
  environmentVars: Record<string, string>;
  /**
   * Settings the task does not manage (provisioned concurrency, instance profile…), carried over
   * unchanged from GET when an entity is kept, so a PUT never drops them.
   */
  carried: Partial<ServedEntityInput>;
}

export interface ServingConfig {
  entities: ServedEntity[];
  /** Traffic percentage by served entity name. */
  traffic: Record<string, number>;
}

/** `<model short name>-<version>`, shortened so it stays a valid name (≤ 63 characters). */
export function defaultServedEntityName(modelName: string, version: string): string {
  const short = modelName.split('.').pop() ?? modelName;
  const suffix = `-${version}`;
  return `${short.slice(0, MAX_NAME_LENGTH - suffix.length)}${suffix}`;
}

export function inferenceTableName(target: { catalog: string; schema: string; tablePrefix: string }): string {
  return `${target.catalog}.${target.schema}.${target.tablePrefix}_payload`;
}

/** The fields the task sets on an entity (everything else on GET is carried over as it is). */
const MANAGED_KEYS = new Set(['name', 'entity_name', 'entity_version', 'workload_size', 'workload_type', 'scale_to_zero_enabled', 'environment_vars']);
/** Output-only fields of ServedEntityOutput, never sent back. */
const OUTPUT_ONLY_KEYS = new Set(['creation_timestamp', 'creator', 'state', 'foundation_model']);

/**
 * PUT /config replaces the served entities, so an entity that is kept is re-sent with every
 * setting it has (cli `bundle/direct/dresources/model_serving_endpoint.go`): `burst_scaling_enabled`, provisioned concurrency and
 * throughput, instance profile, external model, and any field a newer service adds. The CLI's
 * direct deployment engine copies them from the GET output the same way (`cli`
 * `bundle/direct/dresources/model_serving_endpoint.go`).
 */
export function entityFromOutput(o: ServedEntityOutput): ServedEntity {
  const carried: Partial<ServedEntityInput> = {};
  for (const [key, value] of Object.entries(o)) {
    if (value === undefined || MANAGED_KEYS.has(key) || OUTPUT_ONLY_KEYS.has(key)) continue;
    // A workload size and a provisioned concurrency range must not be sent together.
    if (o.workload_size && (key === 'min_provisioned_concurrency' || key === 'max_provisioned_concurrency')) continue;
    Object.assign(carried, { [key]: value });
  }
  const entityName = (o.entity_name ?? '').toLowerCase();
  const entityVersion = o.entity_version ?? '';
  return {
    name: o.name ?? `${entityName}-${entityVersion}`,
    entityName,
    entityVersion,
    workloadSize: o.workload_size,
    workloadType: o.workload_type ?? 'CPU',
    scaleToZero: o.scale_to_zero_enabled ?? false,
    environmentVars: { ...o.environment_vars },
    carried,
  };
}

export function entityToInput(e: ServedEntity): ServedEntityInput {
  const input: ServedEntityInput = {
    name: e.name,
    entity_name: e.entityName,
    entity_version: e.entityVersion,
    workload_type: e.workloadType as ServedEntityInput['workload_type'],
    scale_to_zero_enabled: e.scaleToZero,
    ...e.carried,
  };
  if (e.workloadSize !== undefined) input.workload_size = e.workloadSize;
  if (Object.keys(e.environmentVars).length > 0) input.environment_vars = { ...e.environmentVars };
  return input;
}

function routeName(r: Route): string | undefined {
  return r.served_entity_name ?? r.served_model_name;
}

/** The config an endpoint serves now (`config`, not `pending_config`); undefined when it has none. */
export function servedConfig(endpoint: ServingEndpointDetailed): ServingConfig | undefined {
  const outputs = endpoint.config?.served_entities ?? [];
  if (outputs.length === 0) return undefined;
  return configFrom(outputs, endpoint.config?.traffic_config);
}

export function configFrom(outputs: ServedEntityOutput[], trafficConfig: TrafficConfig | undefined): ServingConfig {
  const entities = outputs.map(entityFromOutput);
  const traffic: Record<string, number> = {};
  const routes = trafficConfig?.routes ?? [];
  if (routes.length === 0 && entities.length === 1) traffic[entities[0]!.name] = 100;
  for (const r of routes) {
    const name = routeName(r);
    if (name !== undefined) traffic[name] = r.traffic_percentage;
  }
  return { entities, traffic };
}

export function configToUpdate(config: ServingConfig): EndpointConfigUpdate {
  return {
    served_entities: config.entities.map(entityToInput),
    traffic_config: { routes: config.entities.map((e) => ({ served_entity_name: e.name, traffic_percentage: config.traffic[e.name] ?? 0 })) },
  };
}

export function sameEntity(a: ServedEntity, b: ServedEntity): boolean {
  return (
    a.name === b.name &&
    a.entityName === b.entityName &&
    a.entityVersion === b.entityVersion &&
    a.workloadSize === b.workloadSize &&
    a.workloadType === b.workloadType &&
    a.scaleToZero === b.scaleToZero &&
    sameRecord(a.environmentVars, b.environmentVars)
  );
}

export function sameConfig(a: ServingConfig | undefined, b: ServingConfig | undefined): boolean {
  if (!a || !b) return a === b;
  if (a.entities.length !== b.entities.length) return false;
  return a.entities.every((ea) => {
    const eb = b.entities.find((x) => x.name === ea.name);
    return eb !== undefined && sameEntity(ea, eb) && (a.traffic[ea.name] ?? 0) === (b.traffic[ea.name] ?? 0);
  });
}

function sameRecord(a: Record<string, string>, b: Record<string, string>): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && a[k] === b[k]);
}

/** Why a traffic mode cannot be applied to what the endpoint serves. */
export class TrafficPlanError extends Error {
  override readonly name = 'TrafficPlanError';
}

export interface TargetConfig {
  config: ServingConfig;
  /** Lines for the log explaining choices the mode made (which entity stays, what is removed). */
  notes: string[];
}

/**
 * The config to serve for a traffic mode. `wanted` is the entity of the requested version with
 * the task's settings; `current` is what the endpoint serves (undefined for a new endpoint,
 * where every mode serves the new version alone).
 */
export function targetConfig(current: ServingConfig | undefined, requested: ServedEntity, traffic: DeployTraffic, nameWasGiven: boolean): TargetConfig {
  // Settings the task does not manage stay as they are on an entity it serves again unchanged.
  const same = current?.entities.find((e) => e.name === requested.name && e.entityName === requested.entityName && e.entityVersion === requested.entityVersion);
  const wanted: ServedEntity = same ? { ...requested, carried: same.carried } : requested;
  const alone: ServingConfig = { entities: [wanted], traffic: { [wanted.name]: 100 } };
  if (!current) {
    const notes = traffic.mode === 'replace' ? [] : [message('ServesNothingYet', traffic.mode, wanted.name)];
    return { config: alone, notes };
  }
  switch (traffic.mode) {
    case 'replace': {
      const removed = current.entities.filter((e) => e.name !== wanted.name).map((e) => e.name);
      return { config: alone, notes: removed.length ? [message('Removed', removed.join(', '))] : [] };
    }
    case 'canary':
      return canary(current, wanted, traffic.percent);
    case 'promote':
      return promote(current, wanted, nameWasGiven);
  }
}

function canary(current: ServingConfig, wanted: ServedEntity, percent: number): TargetConfig {
  const sameName = current.entities.find((e) => e.name === wanted.name);
  if (sameName && (sameName.entityName !== wanted.entityName || sameName.entityVersion !== wanted.entityVersion)) {
    throw new TrafficPlanError(message('CanaryNameTaken', wanted.name, sameName.entityName, sameName.entityVersion));
  }
  const others = current.entities.filter((e) => e.name !== wanted.name);
  if (others.length === 0) {
    // A re-run after the canary was promoted: the version already takes all the traffic.
    return { config: current, notes: [message('OnlyServedEntity', wanted.name)] };
  }
  const incumbent = others.reduce((best, e) => ((current.traffic[e.name] ?? 0) > (current.traffic[best.name] ?? 0) ? e : best));
  const removed = others.filter((e) => e !== incumbent).map((e) => e.name);
  const notes = [message('CanarySplit', incumbent.name, incumbent.entityVersion, 100 - percent, wanted.name, percent)];
  if (removed.length) notes.push(message('Removed', removed.join(', ')));
  return { config: { entities: [incumbent, wanted], traffic: { [incumbent.name]: 100 - percent, [wanted.name]: percent } }, notes };
}

function promote(current: ServingConfig, wanted: ServedEntity, nameWasGiven: boolean): TargetConfig {
  const sameVersion = (e: ServedEntity) => e.entityName === wanted.entityName && e.entityVersion === wanted.entityVersion;
  let served = current.entities.find((e) => e.name === wanted.name && sameVersion(e));
  // Without an explicit name, the version may be served under another name (an earlier canary).
  if (!served && !nameWasGiven) served = current.entities.find(sameVersion);
  if (!served) {
    const list = current.entities.map((e) => `${e.name} (${e.entityName} version ${e.entityVersion})`).join(', ');
    throw new TrafficPlanError(message('PromoteNotServed', wanted.entityName, wanted.entityVersion, list));
  }
  const promoted: ServedEntity = { ...wanted, name: served.name, carried: served.carried };
  const removed = current.entities.filter((e) => e !== served).map((e) => e.name);
  return {
    config: { entities: [promoted], traffic: { [promoted.name]: 100 } },
    notes: removed.length ? [message('PromotedRemoved', promoted.name, removed.join(', '))] : [],
  };
}

/** `name (catalog.schema.model v7, Small CPU, scale to zero) 90%`. */
export function describeEntity(e: ServedEntity, percent: number | undefined): string {
  const compute = [e.workloadSize, e.workloadType, message(e.scaleToZero ? 'EntityScaleToZero' : 'EntityAlwaysOn')].filter(Boolean).join(' ');
  const env = Object.keys(e.environmentVars);
  const envText = env.length ? `, ${message('EntityEnv', env.sort().join(','))}` : '';
  return `${e.name} (${e.entityName} v${e.entityVersion}, ${compute}${envText}) ${percent ?? 0}%`;
}
