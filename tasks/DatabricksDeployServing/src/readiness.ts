/**
 * When an endpoint is ready (overview.md, DatabricksDeployServing): config_update NOT_UPDATING, ready READY, every served
 * entity DEPLOYMENT_READY, and the served (name, version) pairs are the requested ones. The
 * waits poll with back-off (at most 14 s apart), print one status line per change and report
 * progress; a failed update is explained with each entity's state message and the tails of its
 * build and server logs.
 */
import type { ServedEntityOutput, ServingEndpointDetailed } from '../../../shared/api/serving';
import { getBuildLogs, getServerLogs, getServingEndpoint } from '../../../shared/api/serving';
import type { DatabricksClient } from '../../../shared/client/databricksClient';
import { CancelledError, cancelledError } from '../../../shared/client/errors';
import { poll, type PollResult } from '../../../shared/client/poll';
import type { TaskContext } from '../../../shared/runtime/task';
import { message } from './messages';

/**
 * The longest sleep between two reads of the endpoint. Readiness must be seen within 15 s, and a
 * read itself takes time after the sleep: 14 s leaves that second. It still keeps a 30-minute update
 * within 20 + T/15 s reads (about 130).
 */
export const MAX_POLL_INTERVAL_MS = 14_000;
const LOG_TAIL_LINES = 40;
const LOG_TAIL_CHARS = 4_000;

export interface WantedPair {
  name: string;
  entityName: string;
  entityVersion: string;
}

export type Readiness = { kind: 'ready' } | { kind: 'failed'; reason: string } | { kind: 'waiting'; status: string };

const FAILED_DEPLOYMENTS = new Set(['DEPLOYMENT_FAILED', 'DEPLOYMENT_ABORTED']);

/**
 * `priorFailureIsHistory`: for an endpoint the task did not change, an UPDATE_FAILED left by an
 * earlier rollout only says that rollout failed; what counts is whether the served config
 * (already the requested one) is ready.
 */
export function evaluateReadiness(endpoint: ServingEndpointDetailed, wanted: WantedPair[], priorFailureIsHistory = false): Readiness {
  const reported = endpoint.state?.config_update ?? 'NOT_UPDATING';
  const settledFailure = reported === 'UPDATE_FAILED' || reported === 'UPDATE_CANCELED';
  const update = priorFailureIsHistory && settledFailure ? 'NOT_UPDATING' : reported;
  const ready = endpoint.state?.ready ?? 'NOT_READY';
  const served = endpoint.config?.served_entities ?? [];
  const pending = priorFailureIsHistory && settledFailure ? [] : (endpoint.pending_config?.served_entities ?? []);
  if (update === 'UPDATE_FAILED' || update === 'UPDATE_CANCELED') {
    return { kind: 'failed', reason: message('ReadinessUpdateEnded', update) };
  }
  const broken = [...pending, ...served].find((e) => FAILED_DEPLOYMENTS.has(e.state?.deployment ?? ''));
  if (broken) return { kind: 'failed', reason: message('ReadinessEntityBroken', broken.name ?? '?', String(broken.state?.deployment)) };

  if (update === 'NOT_UPDATING') {
    if (!servesExactly(served, wanted)) {
      // Nothing is rolling out and the wrong thing is served: another update replaced ours.
      return { kind: 'failed', reason: message('ReadinessServesOther', pairsText(served), wanted.map((w) => `${w.name}=v${w.entityVersion}`).join(', ')) };
    }
    if (ready === 'READY' && served.every((e) => e.state?.deployment === 'DEPLOYMENT_READY')) return { kind: 'ready' };
  }
  const entities = (pending.length ? pending : served).map((e) => `${e.name ?? '?'} ${e.state?.deployment ?? 'UNKNOWN'}`).join(', ');
  return { kind: 'waiting', status: `config_update ${update}, ${ready}${entities ? `; ${entities}` : ''}` };
}

function servesExactly(served: ServedEntityOutput[], wanted: WantedPair[]): boolean {
  return (
    served.length === wanted.length &&
    wanted.every((w) => served.some((s) => s.name === w.name && (s.entity_name ?? '').toLowerCase() === w.entityName && s.entity_version === w.entityVersion))
  );
}

/** What an endpoint serves now and what is rolling out, for a message: `a-1=v1 (config 3); rolling out: b-2=v2`. */
export function describeServing(endpoint: ServingEndpointDetailed | undefined): string {
  if (!endpoint) return 'nothing (the endpoint could not be read)';
  const config = endpoint.config;
  const routes = new Map((config?.traffic_config?.routes ?? []).map((r) => [r.served_entity_name ?? r.served_model_name, r.traffic_percentage]));
  const served = (config?.served_entities ?? []).map((s) => `${s.name}=v${s.entity_version}${routes.has(s.name) ? ` ${routes.get(s.name)}%` : ''}`).join(', ') || 'nothing';
  const pending = endpoint.state?.config_update === 'IN_PROGRESS' ? (endpoint.pending_config?.served_entities ?? []) : [];
  return `${served}${config?.config_version !== undefined ? ` (config ${config.config_version})` : ''}${pending.length ? `; still rolling out: ${pairsText(pending)}` : ''}`;
}

function pairsText(served: ServedEntityOutput[]): string {
  return served.map((s) => `${s.name}=v${s.entity_version}`).join(', ') || 'nothing';
}

/** The update failed (the endpoint as last read is attached for diagnostics and rollback). */
export class EndpointUpdateFailed extends Error {
  override readonly name = 'EndpointUpdateFailed';
  constructor(
    message: string,
    readonly endpoint: ServingEndpointDetailed,
  ) {
    super(message);
  }
}

export interface WaitDeps {
  client: DatabricksClient;
  ctx: TaskContext;
}

/**
 * Waits until ready; throws EndpointUpdateFailed, PollTimeoutError or CancelledError.
 * `timeoutMs` is what is left of the wait; `limitMinutes`, the timeout the user set, is what a
 * timeout message names (default: timeoutMs in minutes).
 */
export function waitUntilReady(
  deps: WaitDeps,
  endpointName: string,
  wanted: WantedPair[],
  timeoutMs: number,
  what: string,
  priorFailureIsHistory = false,
  limitMinutes = timeoutMs / 60_000,
): Promise<PollResult<ServingEndpointDetailed>> {
  return deps.ctx.log.group(message('WaitGroupTitle', what, endpointName), () =>
    poll<ServingEndpointDetailed, ServingEndpointDetailed>({
      read: (signal) => getServingEndpoint(deps.client, endpointName, signal),
      evaluate: (endpoint) => {
        const verdict = evaluateReadiness(endpoint, wanted, priorFailureIsHistory);
        if (verdict.kind === 'ready') return { done: true, result: endpoint };
        if (verdict.kind === 'failed') throw new EndpointUpdateFailed(message('WaitFailed', what, verdict.reason), endpoint);
        return { done: false, status: verdict.status };
      },
      ...pollSettings(deps, endpointName, timeoutMs, what, limitMinutes),
    }),
  );
}

/** Waits for an update someone else started to end (any outcome), before planning ours. */
export async function waitUntilSettled(
  deps: WaitDeps,
  endpointName: string,
  timeoutMs: number,
  what: string = message('WaitWhatUpdateInProgressBefore'),
  whose: string = message('WaitWhoseBeforeThisTask'),
): Promise<ServingEndpointDetailed> {
  const { result } = await deps.ctx.log.group(message('WaitGroupTitle', what, endpointName), () =>
    poll<ServingEndpointDetailed, ServingEndpointDetailed>({
      read: (signal) => getServingEndpoint(deps.client, endpointName, signal),
      evaluate: (endpoint) =>
        endpoint.state?.config_update === 'IN_PROGRESS' ? { done: false, status: `config_update IN_PROGRESS (${whose})` } : { done: true, result: endpoint },
      ...pollSettings(deps, endpointName, timeoutMs, what),
    }),
  );
  return result;
}

function pollSettings(deps: WaitDeps, endpointName: string, timeoutMs: number, what: string, limitMinutes = timeoutMs / 60_000) {
  const { ctx } = deps;
  return {
    clock: ctx.clock,
    signal: ctx.signal,
    timeoutMs,
    maxIntervalMs: MAX_POLL_INTERVAL_MS,
    onStatus: (status: string) => ctx.log.remote(`${endpointName}: ${status}`),
    onProgress: (percent: number, status: string) => ctx.log.progress(percent, `${endpointName}: ${status}`),
    describeTimeout: (last: ServingEndpointDetailed | undefined) =>
      message('WaitTimedOut', what, Math.max(1, Math.round(limitMinutes)), last?.state?.config_update ?? 'unknown', last?.state?.ready ?? 'unknown'),
  };
}

export interface EntityMessage {
  name: string;
  message: string;
}

/**
 * Prints, for each entity of the failed rollout (pending config, else the served one) that is not
 * ready, its state message and the tails of its build logs and (when the container started)
 * server logs. All of it is remote text: it goes through log.remote. Returns the messages for
 * the report.
 */
export async function explainFailure(deps: WaitDeps, endpoint: ServingEndpointDetailed): Promise<EntityMessage[]> {
  const { client, ctx } = deps;
  const name = endpoint.name ?? '';
  const pending = endpoint.pending_config?.served_entities ?? [];
  const entities = (pending.length ? pending : (endpoint.config?.served_entities ?? [])).filter((e) => e.state?.deployment !== 'DEPLOYMENT_READY');
  const messages: EntityMessage[] = [];
  for (const e of entities) {
    if (ctx.signal.aborted) throw cancelledError(ctx.signal);
    const entity = e.name ?? '';
    const stateMessage = e.state?.deployment_state_message ?? message('NoStateMessage');
    messages.push({ name: entity, message: stateMessage });
    ctx.log.error(`${entity}: ${e.state?.deployment ?? 'UNKNOWN'}: ${stateMessage}`);
    if (!entity || !name) continue;
    const build = await bestEffort(() => getBuildLogs(client, name, entity, ctx.signal), ctx);
    if (build) ctx.log.remote(`${message('BuildLogsOf', entity)}\n${tail(build)}`);
    // Server logs exist only once the container started; the call fails before that.
    const server = await bestEffort(() => getServerLogs(client, name, entity, ctx.signal), ctx);
    if (server) ctx.log.remote(`${message('ServerLogsOf', entity)}\n${tail(server)}`);
  }
  return messages;
}

async function bestEffort(read: () => Promise<string>, ctx: TaskContext): Promise<string | undefined> {
  try {
    const text = await read();
    return text.trim() ? text : undefined;
  } catch (e) {
    if (e instanceof CancelledError) throw e;
    ctx.log.debug(`Logs not available: ${(e as Error).message}`);
    return undefined;
  }
}

/** The last lines of a log, at most LOG_TAIL_CHARS characters, marked when cut. */
export function tail(text: string): string {
  const lines = text.replace(/\s+$/, '').split(/\r?\n/);
  let out = lines.slice(-LOG_TAIL_LINES).join('\n');
  if (out.length > LOG_TAIL_CHARS) out = out.slice(-LOG_TAIL_CHARS);
  return out.length < text.trim().length ? `[… truncated …]\n${out}` : out;
}
