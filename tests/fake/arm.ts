/**
 * A fake Azure Resource Manager that knows Azure Databricks workspaces: get one by resource id,
 * list a subscription's (or a resource group's) workspaces. It checks the ARM bearer token
 * (audience 'arm') and, when a workspace names its readers, that the caller is one of them.
 * Errors use ARM's shape: `{"error":{"code":"ResourceNotFound","message":"…"}}` plus the
 * x-ms-request-id header. Resource ids match case-insensitively, as ARM does.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RunningServer, TlsFiles } from './azureHttps';
import { bearerToken, nextSequence, sendJson, startHttpsServer } from './azureHttps';
import type { FakeTokenAuthority } from './tokens';

const WORKSPACE_ID = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Databricks\/workspaces\/([^/]+)$/i;
const LIST_IN_SUBSCRIPTION = /^\/subscriptions\/([^/]+)\/providers\/Microsoft\.Databricks\/workspaces$/i;
const LIST_IN_GROUP = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Databricks\/workspaces$/i;

export interface ArmWorkspace {
  resourceId: string;
  /** Host (and port) without scheme, as ARM gives it: adb-123.4.azuredatabricks.net. */
  workspaceUrl: string;
  location?: string;
  workspaceId?: string;
  /** Token subjects allowed to read the resource; everyone when undefined. */
  readers?: string[];
}

export interface ArmRequest {
  seq: number;
  method: string;
  path: string;
  status: number;
  subject?: string;
}

export class FakeArm {
  readonly requests: ArmRequest[] = [];
  private readonly workspaces = new Map<string, ArmWorkspace>();
  private server?: RunningServer;

  constructor(private readonly opts: { authority: FakeTokenAuthority; tls: TlsFiles }) {}

  /** https://127.0.0.1:PORT (ENDPOINT_URL of the connection, with a trailing slash added there). */
  get url(): string {
    if (!this.server) throw new Error('FakeArm is not started');
    return this.server.url;
  }

  async start(): Promise<void> {
    this.server = await startHttpsServer(this.opts.tls, (req, res, _body, url) => this.handle(req, res, url));
  }

  async close(): Promise<void> {
    await this.server?.close();
  }

  registerWorkspace(ws: ArmWorkspace): void {
    if (!WORKSPACE_ID.test(ws.resourceId)) throw new Error(`Not a Databricks workspace resource id: ${ws.resourceId}`);
    this.workspaces.set(ws.resourceId.toLowerCase(), ws);
  }

  private handle(req: IncomingMessage, res: ServerResponse, url: URL): void {
    const record: ArmRequest = { seq: nextSequence(), method: req.method ?? '', path: url.pathname, status: 0 };
    this.requests.push(record);
    const answer = (status: number, value: unknown) => {
      record.status = status;
      sendJson(res, status, value, { 'x-ms-request-id': randomUUID(), 'x-ms-correlation-request-id': randomUUID() });
    };
    const fail = (status: number, code: string, message: string) => answer(status, { error: { code, message } });

    const auth = this.authenticate(req);
    if (!auth.ok) return fail(401, auth.code, auth.message);
    record.subject = auth.subject;
    if (req.method !== 'GET') return fail(405, 'MethodNotAllowed', `The requested method ${req.method} is not allowed by this fake.`);
    if (!url.searchParams.get('api-version')) return fail(400, 'MissingApiVersionParameter', 'The api-version query parameter (?api-version=) is required for all requests.');

    const path = url.pathname.replace(/\/+$/, '');
    const single = WORKSPACE_ID.exec(path);
    if (single) {
      const [, , group, name] = single;
      const ws = this.workspaces.get(path.toLowerCase());
      if (!ws) {
        const groupKnown = [...this.workspaces.values()].some((w) => WORKSPACE_ID.exec(w.resourceId)![2]!.toLowerCase() === group!.toLowerCase());
        return groupKnown
          ? fail(
              404,
              'ResourceNotFound',
              `The Resource 'Microsoft.Databricks/workspaces/${name}' under resource group '${group}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
            )
          : fail(404, 'ResourceGroupNotFound', `Resource group '${group}' could not be found.`);
      }
      if (!this.mayRead(ws, auth.subject)) {
        return fail(
          403,
          'AuthorizationFailed',
          `The client '${auth.subject}' with object id '${auth.subject}' does not have authorization to perform action 'Microsoft.Databricks/workspaces/read' over scope '${ws.resourceId}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
        );
      }
      return answer(200, representation(ws));
    }
    const inGroup = LIST_IN_GROUP.exec(path);
    const inSubscription = LIST_IN_SUBSCRIPTION.exec(path);
    if (inGroup || inSubscription) {
      const prefix = (inGroup ? `/subscriptions/${inGroup[1]}/resourceGroups/${inGroup[2]}/` : `/subscriptions/${inSubscription![1]}/`).toLowerCase();
      const value = [...this.workspaces.values()].filter((w) => w.resourceId.toLowerCase().startsWith(prefix) && this.mayRead(w, auth.subject)).map(representation);
      return answer(200, { value });
    }
    fail(400, 'InvalidResourceType', `The resource type could not be found for path '${url.pathname}'.`);
  }

  private authenticate(req: IncomingMessage): { ok: true; subject: string } | { ok: false; code: string; message: string } {
    const token = bearerToken(req);
    const check = this.opts.authority.verify(token, 'arm');
    if (check.ok) return { ok: true, subject: check.token.subject };
    switch (check.reason) {
      case 'missing':
        return { ok: false, code: 'AuthenticationFailed', message: "Authentication failed. The 'Authorization' header is missing." };
      case 'expired':
        return { ok: false, code: 'ExpiredAuthenticationToken', message: 'The access token expiry UTC time is earlier than current UTC time.' };
      case 'wrong-audience':
        return {
          ok: false,
          code: 'InvalidAuthenticationTokenAudience',
          message:
            "The access token has been obtained for wrong audience or resource. It should exactly match with one of the allowed audiences 'https://management.core.windows.net/','https://management.azure.com/'.",
        };
      default:
        return { ok: false, code: 'InvalidAuthenticationToken', message: 'The access token is invalid.' };
    }
  }

  private mayRead(ws: ArmWorkspace, subject: string): boolean {
    return ws.readers === undefined || ws.readers.some((r) => r.toLowerCase() === subject.toLowerCase());
  }
}

function representation(ws: ArmWorkspace): unknown {
  const [, subscription, group, name] = WORKSPACE_ID.exec(ws.resourceId)!;
  return {
    id: ws.resourceId,
    name,
    type: 'Microsoft.Databricks/workspaces',
    location: ws.location ?? 'westeurope',
    sku: { name: 'premium' },
    properties: {
      workspaceUrl: ws.workspaceUrl,
      workspaceId: ws.workspaceId ?? '1234567890123456',
      provisioningState: 'Succeeded',
      managedResourceGroupId: `/subscriptions/${subscription}/resourceGroups/databricks-rg-${name}-${group}`,
    },
  };
}
