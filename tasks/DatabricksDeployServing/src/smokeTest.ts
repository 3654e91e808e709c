/**
 * The smoke test: one request to the ready endpoint. A non-2xx answer, or a body that is not a
 * JSON object with a `predictions` array, fails it. The answer is summarised (count, first
 * values, latency), never dumped: predictions can be large and may hold personal data.
 *
 * The request waits up to the serving execution timeout (about 300 s) and is never re-sent after
 * a timeout or a dropped connection: an invocation is not idempotent (the model may have run: model-serving-limits in the Azure Databricks docs). A
 * route-optimized endpoint is not served through the workspace host: it is invoked at its own
 * `endpoint_url`; when that host is not a Databricks host, or does not take the workspace token
 * (whether it does is unconfirmed), the test is skipped with a note instead of
 * failing the deployment.
 */
import { INVOCATION_TIMEOUT_MS, invokeServingEndpoint } from '../../../shared/api/serving';
import type { DatabricksClient } from '../../../shared/client/databricksClient';
import { CancelledError, DatabricksApiError, RequestError } from '../../../shared/client/errors';
import type { Clock } from '../../../shared/runtime/clock';
import { message } from './messages';

const SHOWN_VALUES = 3;
const SHOWN_CHARS = 200;
/** Hosts a workspace token may be sent to besides the workspace's own (Azure Databricks domains). */
const DATABRICKS_HOST_SUFFIXES = ['.azuredatabricks.net', '.databricks.azure.cn', '.databricks.azure.us'];
/** Answers meaning the data-plane host cannot be used with this token. */
const UNREACHABLE_CODES = new Set(['ENOTFOUND', 'ECONNREFUSED', 'EAI_AGAIN']);

export interface SmokeTestResult {
  ok: boolean;
  status?: number;
  predictions?: number;
  latencyMs?: number;
  summary: string;
}

export interface SmokeTestRequest {
  endpointName: string;
  payload: unknown;
  /** `endpoint_url` of a route-optimized endpoint. */
  routeOptimizedUrl?: string;
  /** Recorded in the payload table's client_request_id column (go-sdk `service/serving/model.go` `QueryEndpointInput.ClientRequestId`). */
  clientRequestId?: string;
}

/** The outcome: a result, or why the test was skipped. */
export type SmokeTestOutcome = { kind: 'ran'; result: SmokeTestResult; via: string } | { kind: 'skipped'; note: string };

export async function runSmokeTest(client: DatabricksClient, clock: Clock, request: SmokeTestRequest, signal?: AbortSignal): Promise<SmokeTestOutcome> {
  const payload = request.clientRequestId !== undefined && isObject(request.payload) ? { ...request.payload, client_request_id: request.clientRequestId } : request.payload;
  let target = client;
  let via = client.workspaceUrl;
  if (request.routeOptimizedUrl) {
    const base = dataPlaneBase(request.routeOptimizedUrl, client.workspaceUrl);
    if (typeof base !== 'string') return { kind: 'skipped', note: message('SmokeSkippedRouteOptimized', request.endpointName, base.why) };
    target = client.withBaseUrl(base);
    via = base;
  }
  const started = clock.now();
  try {
    const answer = await invokeServingEndpoint(target, request.endpointName, payload, signal, clock.scale(INVOCATION_TIMEOUT_MS));
    const latencyMs = clock.now() - started;
    const predictions = answer.predictions;
    if (!Array.isArray(predictions)) {
      return {
        kind: 'ran',
        via,
        result: { ok: false, status: 200, latencyMs, summary: `the answer has no predictions array (keys: ${Object.keys(answer).slice(0, 10).join(', ') || 'none'})` },
      };
    }
    const first = predictions
      .slice(0, SHOWN_VALUES)
      .map((p) => JSON.stringify(p))
      .join(', ');
    const shown = first.length > SHOWN_CHARS ? `${first.slice(0, SHOWN_CHARS)}…` : first;
    const more = predictions.length > SHOWN_VALUES ? ', …' : '';
    return {
      kind: 'ran',
      via,
      result: { ok: true, status: 200, predictions: predictions.length, latencyMs, summary: `${predictions.length} prediction(s) in ${latencyMs} ms: [${shown}${more}]` },
    };
  } catch (e) {
    if (e instanceof CancelledError) throw e;
    const latencyMs = clock.now() - started;
    if (
      request.routeOptimizedUrl &&
      ((e instanceof DatabricksApiError && (e.statusCode === 401 || e.statusCode === 403)) || (e instanceof RequestError && UNREACHABLE_CODES.has(e.code)))
    ) {
      const answer = e instanceof DatabricksApiError ? `HTTP ${e.statusCode} ${e.errorCode}` : e.code;
      return { kind: 'skipped', note: message('SmokeSkippedTokenRefused', request.endpointName, via, answer) };
    }
    if (e instanceof DatabricksApiError)
      return { kind: 'ran', via, result: { ok: false, status: e.statusCode, latencyMs, summary: `HTTP ${e.statusCode} ${e.errorCode}: ${e.serviceMessage}` } };
    if (e instanceof RequestError) {
      const what =
        e.code === 'PARSE_ERROR'
          ? 'the answer is not JSON'
          : e.code === 'TIMEOUT'
            ? 'no answer within 300 s (TIMEOUT); not re-sent: an invocation is not idempotent'
            : `no answer (${e.code}); not re-sent: an invocation is not idempotent`;
      return { kind: 'ran', via, result: { ok: false, latencyMs, summary: what } };
    }
    throw e;
  }
}

/**
 * The base URL the invocations path is appended to: `endpoint_url` without a trailing
 * `/serving-endpoints/<name>/invocations`; refused unless https on the workspace host or an
 * Azure Databricks domain (the token is not sent to a host a remote answer names otherwise).
 */
export function dataPlaneBase(endpointUrl: string, workspaceUrl: string): string | { why: string } {
  let url: URL;
  try {
    url = new URL(endpointUrl);
  } catch {
    return { why: `its endpoint_url "${endpointUrl}" is not a URL` };
  }
  const workspaceHost = new URL(workspaceUrl).host;
  const allowed = url.host === workspaceHost || DATABRICKS_HOST_SUFFIXES.some((s) => url.hostname.endsWith(s));
  if (url.protocol !== 'https:' || !allowed) return { why: `its endpoint_url host ${url.host} is not an https Azure Databricks host, so the workspace token is not sent there` };
  const path = url.pathname.replace(/\/serving-endpoints\/[^/]+\/invocations\/?$/, '').replace(/\/+$/, '');
  return `${url.origin}${path}`;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
