/**
 * A fresh Azure DevOps OIDC token on every call, for workload identity federation. The token
 * lives about 10 minutes and Entra ID rejects a stale assertion (AADSTS700024), so it is never
 * cached: the Entra token is what the task caches (tokenSources.ts).
 *
 * The common path is one plain POST to System.OidcRequestUri (what @azure/identity's
 * AzurePipelinesCredential and the Terraform task do). Only when the agent does not set that
 * variable is azure-devops-node-api loaded, lazily, for TaskApi.createOidcToken.
 */
import { CancelledError, RequestError } from '../client/errors';
import type { AnsweringSend, PipelineRequest, PipelineResponse } from '../client/pipeline';
import { retryAttempts, type AttemptResult } from '../client/retryAttempts';
import { linearBackoffDelay } from '../client/retryStrategies/linearBackoff';
import type { Clock } from '../runtime/clock';
import { message } from '../runtime/messages';

export interface OidcRequestContext {
  /** The service connection the token is for (its federated credential subject). */
  connectionId: string;
  /** The job's access token (SystemVssConnection). */
  accessToken: string;
  /** System.OidcRequestUri; when absent the TaskApi route is built from the fields below. */
  oidcRequestUri?: string;
  collectionUri?: string;
  teamProjectId?: string;
  hostType?: string;
  planId?: string;
  jobId?: string;
}

export interface OidcDeps {
  /** Every answer resolves, whatever its status: the status decides the retry here. */
  send: AnsweringSend;
  setSecret(value: string): void;
  clock: Clock;
  /** Per-attempt timeout of the POST (default 30 s). */
  timeoutMs?: number;
  debug?(message: string): void;
}

export type OidcTokenFetcher = (signal?: AbortSignal) => Promise<string>;

/** Azure DevOps could not issue the token (after retries for transient failures). */
export class OidcTokenError extends Error {
  override readonly name = 'OidcTokenError';
  constructor(
    message: string,
    readonly statusCode?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export const OIDC_API_VERSION = '7.1';
/** Retries after the first attempt, with linear back-off min(2 s × n, 15 s) as Azure DevOps tasks do. */
const MAX_RETRIES = 3;
const DEFAULT_TIMEOUT_MS = 30_000;

export function createOidcTokenFetcher(context: OidcRequestContext, deps: OidcDeps): OidcTokenFetcher {
  const requestUri = context.oidcRequestUri;
  const requestOnce = requestUri ? (signal?: AbortSignal) => postToOidcRequestUri(context, requestUri, deps, signal) : () => createViaTaskApi(context);
  return async (signal) => {
    const token = await retryAttempts(requestOnce, {
      maxRetries: MAX_RETRIES,
      delayMs: (retryNumber) => linearBackoffDelay(retryNumber),
      clock: deps.clock,
      signal,
      onRetry: (error, delay) => deps.debug?.(`OIDC token request failed (${error.message}); retrying in ${delay} ms`),
    });
    // Masked before anyone, including the caller, can print it.
    deps.setSecret(token);
    return token;
  };
}

type Attempt = AttemptResult<string>;

async function postToOidcRequestUri(context: OidcRequestContext, requestUri: string, deps: OidcDeps, signal?: AbortSignal): Promise<Attempt> {
  const url = new URL(requestUri);
  url.searchParams.set('api-version', OIDC_API_VERSION);
  url.searchParams.set('serviceConnectionId', context.connectionId);
  const request: PipelineRequest = {
    method: 'POST',
    url,
    headers: new Headers({
      Authorization: `Bearer ${context.accessToken}`,
      'Content-Type': 'application/json',
      Accept: 'application/json',
      // Ask for a 401 instead of a redirect to a sign-in page.
      'X-TFS-FedAuthRedirect': 'Suppress',
    }),
    body: '{}',
    timeoutMs: deps.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    signal,
    idempotent: false,
    operation: 'azureDevOps.createOidcToken',
    attempt: 1,
  };
  let response: PipelineResponse;
  try {
    response = await deps.send(request);
  } catch (e) {
    // No answer came (the send resolves every status).
    if (e instanceof CancelledError) throw e;
    else if (e instanceof RequestError && e.code === 'PARSE_ERROR')
      return { ok: false, retryable: false, error: new OidcTokenError(message('OidcUnreadableAnswer', e.message), undefined, { cause: e }) };
    else return { ok: false, retryable: true, error: new OidcTokenError(message('OidcUnreachable', errorText(e)), undefined, { cause: e }) };
  }
  if (response.status >= 200 && response.status < 300) {
    const token = parseOidcToken(response.bodyText);
    return token ? { ok: true, value: token } : { ok: false, retryable: false, error: new OidcTokenError(message('OidcNoToken'), response.status) };
  }
  return { ok: false, retryable: isTransientStatus(response.status), error: httpError(context, response.status, adoMessage(response.bodyText)) };
}

/** azure-devops-node-api's client: only when System.OidcRequestUri is absent (old agents). */
async function createViaTaskApi(context: OidcRequestContext): Promise<Attempt> {
  const { collectionUri, teamProjectId, hostType, planId, jobId } = context;
  if (!collectionUri || !teamProjectId || !hostType || !planId || !jobId) {
    return {
      ok: false,
      retryable: false,
      error: new OidcTokenError(message('OidcNoRequestVariables')),
    };
  }
  // Deep imports: TaskApi alone, not WebApi (which pulls in every Azure DevOps API client).
  const [{ TaskApi }, { BearerCredentialHandler }, tl] = await Promise.all([
    import('azure-devops-node-api/TaskApi.js'),
    import('azure-devops-node-api/handlers/bearertoken.js'),
    import('azure-pipelines-task-lib/task.js'),
  ]);
  // The agent's proxy and certificate settings, as WebApi would have applied them.
  const proxy = tl.getHttpProxyConfiguration(collectionUri) ?? undefined;
  const cert = tl.getHttpCertConfiguration() ?? undefined;
  const taskApi = new TaskApi(collectionUri, [new BearerCredentialHandler(context.accessToken)], { keepAlive: true, proxy, cert });
  try {
    const answer = await taskApi.createOidcToken({}, teamProjectId, hostType, planId, jobId, context.connectionId);
    const token = answer?.oidcToken;
    return token ? { ok: true, value: token } : { ok: false, retryable: false, error: new OidcTokenError(message('OidcNoToken')) };
  } catch (e) {
    const status = (e as { statusCode?: unknown }).statusCode;
    if (typeof status === 'number') return { ok: false, retryable: isTransientStatus(status), error: httpError(context, status, errorText(e)) };
    return { ok: false, retryable: true, error: new OidcTokenError(message('OidcUnreachable', errorText(e)), undefined, { cause: e }) };
  }
}

function isTransientStatus(status: number): boolean {
  return status >= 500 || status === 429 || status === 408;
}

function httpError(context: OidcRequestContext, status: number, serviceMessage: string | undefined): OidcTokenError {
  const said = serviceMessage ? `: ${serviceMessage}` : '';
  const hint =
    status === 401
      ? ` ${message('OidcHintJobTokenRejected')}`
      : status === 400 || status === 403 || status === 404
        ? ` ${message('OidcHintNotAuthorized', context.connectionId)}`
        : '';
  return new OidcTokenError(message('OidcRefused', context.connectionId, status, said, hint), status);
}

function parseOidcToken(bodyText: string | undefined): string | undefined {
  try {
    const body: unknown = JSON.parse(bodyText ?? '');
    const token = (body as { oidcToken?: unknown } | null)?.oidcToken;
    return typeof token === 'string' && token ? token : undefined;
  } catch {
    return undefined;
  }
}

/** Azure DevOps errors are `{"message": "...", "typeKey": ...}`; anything else is not quoted (it may be an HTML page). */
function adoMessage(bodyText: string | undefined): string | undefined {
  try {
    const message = (JSON.parse(bodyText ?? '') as { message?: unknown } | null)?.message;
    return typeof message === 'string' ? message : undefined;
  } catch {
    return undefined;
  }
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
