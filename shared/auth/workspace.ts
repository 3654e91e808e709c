/**
 * The workspace the tasks call: either the given URL, or, for workspaceResourceId, the URL
 * ARM knows for that resource. With a resource id every Databricks call also carries the
 * service-principal management headers, so Databricks admits a principal that has
 * Contributor on the workspace resource but is not yet a workspace user.
 */
import { DatabricksApiError } from '../client/errors';
import type { PipelineResponse, ThrowingSend } from '../client/pipeline';
import type { TokenSource } from './tokenSources';
import { message } from '../runtime/messages';

export const ARM_WORKSPACE_API_VERSION = '2024-05-01';

export interface ResolvedWorkspace {
  /** `https://host` without a trailing slash. */
  url: string;
  resourceId?: string;
}

export interface ResolveWorkspaceDeps {
  /** The retrying JSON pipeline: a non-2xx answer rejects as DatabricksApiError. */
  send: ThrowingSend;
  arm: TokenSource;
  /** The connection's ARM URL. */
  armUrl: string;
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** The workspace could not be resolved; the message says what to fix. */
export class WorkspaceResolutionError extends Error {
  override readonly name = 'WorkspaceResolutionError';
  constructor(
    message: string,
    readonly statusCode?: number,
  ) {
    super(message);
  }
}

export async function resolveWorkspace(input: { workspaceUrl?: string; workspaceResourceId?: string }, deps: ResolveWorkspaceDeps): Promise<ResolvedWorkspace> {
  if (input.workspaceUrl) return { url: input.workspaceUrl.replace(/\/+$/, '') };
  const resourceId = input.workspaceResourceId;
  if (!resourceId) throw new WorkspaceResolutionError(message('WorkspaceNotGiven'));

  const { token } = await deps.arm.getToken(deps.signal);
  const url = new URL(`${deps.armUrl.replace(/\/+$/, '')}${encodePath(resourceId)}`);
  url.searchParams.set('api-version', ARM_WORKSPACE_API_VERSION);
  let response: PipelineResponse;
  try {
    response = await deps.send({
      method: 'GET',
      url,
      headers: new Headers({ Authorization: `Bearer ${token}`, Accept: 'application/json' }),
      timeoutMs: deps.timeoutMs ?? 30_000,
      signal: deps.signal,
      idempotent: true,
      operation: 'arm.getWorkspace',
      attempt: 1,
    });
  } catch (e) {
    // A non-2xx answer, explained for ARM.
    if (e instanceof DatabricksApiError) throw armFailure(resourceId, e.response);
    throw e;
  }

  const body = parseJson(response.bodyText) as { properties?: { workspaceUrl?: unknown; provisioningState?: unknown } } | undefined;
  const host = body?.properties?.workspaceUrl;
  if (typeof host !== 'string' || !host) {
    const state = body?.properties?.provisioningState;
    throw new WorkspaceResolutionError(typeof state === 'string' ? message('WorkspaceWithoutUrlInState', resourceId, state) : message('WorkspaceWithoutUrl', resourceId));
  }
  const workspaceUrl = /^https?:\/\//i.test(host) ? host : `https://${host}`;
  return { url: workspaceUrl.replace(/\/+$/, ''), resourceId };
}

/** Headers that let Databricks admit (and auto-add) a service principal with rights on the workspace resource. */
export async function managementHeaders(resourceId: string, management: TokenSource, signal?: AbortSignal): Promise<Record<string, string>> {
  const { token } = await management.getToken(signal);
  return {
    'X-Databricks-Azure-SP-Management-Token': token,
    'X-Databricks-Azure-Workspace-Resource-Id': resourceId,
  };
}

function armFailure(resourceId: string, response: PipelineResponse): WorkspaceResolutionError {
  const error = (parseJson(response.bodyText) as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  const code = typeof error?.code === 'string' ? error.code : `HTTP ${response.status}`;
  const said = typeof error?.message === 'string' ? `${code}: ${error.message}` : code;
  const status = response.status;
  switch (status) {
    case 404:
      return new WorkspaceResolutionError(message('WorkspaceNotFound', resourceId, said), status);
    case 403:
      return new WorkspaceResolutionError(message('WorkspaceForbidden', resourceId, said), status);
    case 401:
      return new WorkspaceResolutionError(message('WorkspaceTokenRejected', resourceId, said), status);
    default:
      return new WorkspaceResolutionError(message('WorkspaceLookupFailed', resourceId, status, said), status);
  }
}

function encodePath(resourceId: string): string {
  const path = resourceId.startsWith('/') ? resourceId : `/${resourceId}`;
  return path.split('/').map(encodeURIComponent).join('/');
}

function parseJson(text: string | undefined): unknown {
  try {
    return JSON.parse(text ?? '');
  } catch {
    return undefined;
  }
}
