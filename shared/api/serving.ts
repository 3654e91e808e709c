/**
 * Model Serving endpoints (the routes of go-sdk `service/serving/impl.go`): typed calls over DatabricksClient. Every path is built
 * with `apiPath` (names URL-encoded); retries (429 with Retry-After, 503, 504) happen in the
 * client, so nothing here loops.
 */
import type {
  AiGatewayConfig,
  CreateServingEndpoint,
  EmailNotifications,
  EndpointCoreConfigInput,
  EndpointTag,
  PatchServingEndpointTags,
  PutAiGatewayRequest,
  ServingEndpointDetailed,
} from '@databricks/sdk-experimental/dist/apis/serving/model';
import type { DatabricksClient } from '../client/databricksClient';
import { isNotFound } from '../client/errors';
import { apiPath } from '../client/path';

export type {
  AiGatewayConfig,
  AiGatewayInferenceTableConfig,
  AiGatewayRateLimit,
  CreateServingEndpoint,
  EmailNotifications,
  EndpointCoreConfigInput,
  EndpointTag,
  Route,
  ServedEntityInput,
  ServedEntityOutput,
  ServingEndpointDetailed,
  TrafficConfig,
} from '@databricks/sdk-experimental/dist/apis/serving/model';

/** The config body of `PUT .../config`: EndpointCoreConfigInput without the name (it is in the path). */
export type EndpointConfigUpdate = Omit<EndpointCoreConfigInput, 'name'>;

/** The answer of the invocations route: the model's predictions, and whatever else the flavour returns. */
export interface InvocationResponse {
  predictions?: unknown;
  [key: string]: unknown;
}

const BASE = '/api/2.0/serving-endpoints';

/** The endpoint, or undefined when it does not exist (RESOURCE_DOES_NOT_EXIST). */
export async function findServingEndpoint(client: DatabricksClient, name: string, signal?: AbortSignal): Promise<ServingEndpointDetailed | undefined> {
  try {
    return await getServingEndpoint(client, name, signal);
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

export function getServingEndpoint(client: DatabricksClient, name: string, signal?: AbortSignal): Promise<ServingEndpointDetailed> {
  return client.get<ServingEndpointDetailed>(apiPath`/api/2.0/serving-endpoints/${name}`, undefined, { signal });
}

export function createServingEndpoint(client: DatabricksClient, body: CreateServingEndpoint): Promise<ServingEndpointDetailed> {
  return client.post<ServingEndpointDetailed>(BASE, body);
}

/** `options`: e.g. the one short rollback attempt after a cancellation (its own signal and timeout). */
export function updateServingEndpointConfig(
  client: DatabricksClient,
  name: string,
  config: EndpointConfigUpdate,
  options: { signal?: AbortSignal; timeoutMs?: number } = {},
): Promise<ServingEndpointDetailed> {
  return client.put<ServingEndpointDetailed>(endpointPath(name, 'config'), config, options);
}

/** Replaces the whole AI Gateway configuration (GET, merge, then PUT the full object). */
export function putAiGateway(client: DatabricksClient, name: string, gateway: AiGatewayConfig): Promise<AiGatewayConfig> {
  const body: Omit<PutAiGatewayRequest, 'name'> = gateway;
  return client.put<AiGatewayConfig>(endpointPath(name, 'ai-gateway'), body);
}

export function patchServingEndpointTags(client: DatabricksClient, name: string, patch: Omit<PatchServingEndpointTags, 'name'>): Promise<{ tags?: EndpointTag[] }> {
  return client.patch<{ tags?: EndpointTag[] }>(endpointPath(name, 'tags'), patch);
}

export function patchServingEndpointNotifications(
  client: DatabricksClient,
  name: string,
  notifications: EmailNotifications,
): Promise<{ email_notifications?: EmailNotifications }> {
  return client.patch<{ email_notifications?: EmailNotifications }>(endpointPath(name, 'notifications'), { email_notifications: notifications });
}

export async function getBuildLogs(client: DatabricksClient, name: string, servedEntityName: string, signal?: AbortSignal): Promise<string> {
  const r = await client.get<{ logs?: string }>(apiPath`/api/2.0/serving-endpoints/${name}/served-models/${servedEntityName}/build-logs`, undefined, { signal });
  return r.logs ?? '';
}

export async function getServerLogs(client: DatabricksClient, name: string, servedEntityName: string, signal?: AbortSignal): Promise<string> {
  const r = await client.get<{ logs?: string }>(apiPath`/api/2.0/serving-endpoints/${name}/served-models/${servedEntityName}/logs`, undefined, { signal });
  return r.logs ?? '';
}

/**
 * The client-side timeout of an invocation: the model execution timeout is 297 s
 * (https://learn.microsoft.com/azure/databricks/machine-learning/model-serving/model-serving-limits),
 * so about 300 s, not the generic 60 s.
 */
export const INVOCATION_TIMEOUT_MS = 300_000;

/**
 * Scores a payload. The route has no /api/2.0 prefix. It is not a read: the request lands in the
 * inference table, so plan mode refuses it like any other write. It is not idempotent either
 * (the model may have run, and the request been logged): a timed-out or dropped invocation is
 * never re-sent (429 and 503, which mean "not processed", still are). `timeoutMs` is real time
 * (callers scale INVOCATION_TIMEOUT_MS with the task clock).
 */
export function invokeServingEndpoint(
  client: DatabricksClient,
  name: string,
  payload: unknown,
  signal?: AbortSignal,
  timeoutMs = INVOCATION_TIMEOUT_MS,
): Promise<InvocationResponse> {
  return client.post<InvocationResponse>(apiPath`/serving-endpoints/${name}/invocations`, payload, { signal, timeoutMs, resendAfterLostAnswer: false });
}

/** The data-plane host of a route-optimized endpoint: `endpoint_url` (go-sdk `ServingEndpointDetailed.EndpointUrl`), when set. */
export function routeOptimizedUrl(endpoint: ServingEndpointDetailed): string | undefined {
  return endpoint.route_optimized ? endpoint.endpoint_url : undefined;
}

function endpointPath(name: string, leaf: 'config' | 'ai-gateway' | 'tags' | 'notifications'): string {
  return `${apiPath`/api/2.0/serving-endpoints/${name}`}/${leaf}`;
}
