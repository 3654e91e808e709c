/**
 * From validated common parameters to a ready DatabricksClient: the agent's network settings,
 * the AzureRM connection's credentials (only the chosen scheme's code is loaded), the workspace
 * URL (looked up through ARM when a resource id is given, with the service-principal management
 * headers on every call), and a preflight that proves the credentials work before any real call.
 */
import * as tl from 'azure-pipelines-task-lib/task';
import { createTokenSources, managementHeaders, readAzureRmConnection, resolveWorkspace } from '../auth';
import { DatabricksClient, DEFAULT_TIMEOUT_MS } from '../client/databricksClient';
import { createHttpPipeline } from '../client/httpPipeline';
import { httpSettingsFromAgent } from '../client/httpSettings';
import { createFetchTransport } from '../client/transport';
import { answeringSend, createPipeline } from '../client/pipeline';
import { loggingPolicy } from '../client/policies/loggingPolicy';
import type { CommonParameters } from './commonParameters';
import type { TaskContext } from './task';
import { message } from './messages';

export interface WorkspaceConnection {
  client: DatabricksClient;
  workspaceUrl: string;
  resourceId?: string;
  /** The principal the workspace sees (preflight answer), for the log and summary. */
  principal?: string;
}

const MIN_ATTEMPT_TIMEOUT_MS = 5_000;

interface ScimMe {
  userName?: string;
  displayName?: string;
}

export async function connectWorkspace(common: CommonParameters, ctx: TaskContext): Promise<WorkspaceConnection> {
  const debug = (line: string) => ctx.log.debug(line);
  // The per-attempt timeout is task time too (compressed in tests), with a floor for real sockets.
  const timeoutMs = Math.max(ctx.clock.scale(DEFAULT_TIMEOUT_MS), MIN_ATTEMPT_TIMEOUT_MS);
  const http = { ...httpSettingsFromAgent(tl), timeoutMs };
  const transport = createFetchTransport(http);
  const connection = readAzureRmConnection(common.azureSubscription, tl);
  // OIDC requests retry on their own; they only need the transport (with logging).
  const plainSend = answeringSend(createPipeline([loggingPolicy({ debug })], transport));
  const tokens = createTokenSources(connection, { send: plainSend, http, setSecret: (v) => tl.setSecret(v), clock: ctx.clock, debug });
  const retryBudgetMs = common.retryBudgetSeconds * 1000;

  const workspace = await resolveWorkspace(common.workspace.kind === 'url' ? { workspaceUrl: common.workspace.url } : { workspaceResourceId: common.workspace.resourceId }, {
    send: createHttpPipeline({ clock: ctx.clock, transport, retryBudgetMs, debug }),
    arm: tokens.arm,
    armUrl: connection.armUrl,
    signal: ctx.signal,
    timeoutMs,
  });
  const resourceId = workspace.resourceId;
  const send = createHttpPipeline({
    clock: ctx.clock,
    transport,
    tokenSource: tokens.databricks,
    headers: resourceId ? (signal) => managementHeaders(resourceId, tokens.management, signal) : undefined,
    retryBudgetMs,
    debug,
  });
  const client = new DatabricksClient({ workspaceUrl: workspace.url, send, signal: ctx.signal, readOnly: common.dryRun, timeoutMs });
  const me = await client.get<ScimMe>('/api/2.0/preview/scim/v2/Me');
  const principal = me.displayName || me.userName;
  ctx.log.info(principal ? message('Connected', workspace.url, principal, connection.scheme) : message('ConnectedAsConnectionPrincipal', workspace.url, connection.scheme));
  return { client, workspaceUrl: workspace.url, resourceId, principal };
}
