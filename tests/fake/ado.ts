/**
 * A fake Azure DevOps organization with what a task needs for workload identity federation:
 * the job's OIDC token endpoint (System.OidcRequestUri), reached either directly
 * (`POST …/oidctoken?api-version=7.1&serviceConnectionId=…`) or through
 * azure-devops-node-api's TaskApi.createOidcToken, which first asks for the area's resource
 * locations (`OPTIONS {collection}/_apis/distributedtask`) and then POSTs with the API version
 * in the Accept header. The job's access token (SystemVssConnection) is checked on both.
 *
 * Tokens have the audience 'oidc' and the subject `sc://{org}/{project}/{connection id}`, the
 * subject a federated credential in Entra ID is registered for.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RunningServer, TlsFiles } from './azureHttps';
import { bearerToken, nextSequence, sendJson, startHttpsServer } from './azureHttps';
import type { FakeTokenAuthority } from './tokens';

/** Location id of the TaskHub OIDC token resource (TaskApi.createOidcToken). */
export const OIDC_TOKEN_LOCATION_ID = '69a319f4-28c1-4bfd-93e6-ea0ff5c6f1a2';

export interface OidcTokenRequest {
  seq: number;
  connectionId: string;
  /** `query` for api-version=7.1 in the URL (OidcRequestUri), `accept` for TaskApi's header. */
  apiVersionFrom: 'query' | 'accept' | 'none';
  status: number;
  token?: string;
}

export class FakeAzureDevOps {
  readonly organization: string;
  readonly projectName = 'FakeProject';
  readonly projectId = randomUUID();
  readonly planId = randomUUID();
  readonly jobId = randomUUID();
  readonly hostType = 'build';
  /** The job access token (ENDPOINT_AUTH_PARAMETER_SYSTEMVSSCONNECTION_ACCESSTOKEN). */
  readonly systemAccessToken = `fake-system-${randomBytes(18).toString('base64url')}`;
  readonly oidcRequests: OidcTokenRequest[] = [];
  locationRequests = 0;
  private readonly connections = new Set<string>();
  private failures: number[] = [];
  private server?: RunningServer;

  constructor(private readonly opts: { authority: FakeTokenAuthority; tls: TlsFiles; organization?: string }) {
    this.organization = opts.organization ?? 'fakeorg';
  }

  get url(): string {
    if (!this.server) throw new Error('FakeAzureDevOps is not started');
    return this.server.url;
  }

  /** System.CollectionUri (with the trailing slash the agent gives). */
  get collectionUri(): string {
    return `${this.url}/${this.organization}/`;
  }

  /** System.OidcRequestUri of the running job. */
  get oidcRequestUri(): string {
    return `${this.url}/${this.organization}/${this.projectId}/_apis/distributedtask/hubs/${this.hostType}/plans/${this.planId}/jobs/${this.jobId}/oidctoken`;
  }

  async start(): Promise<void> {
    this.server = await startHttpsServer(this.opts.tls, (req, res, body, url) => this.handle(req, res, body, url));
  }

  async close(): Promise<void> {
    await this.server?.close();
  }

  /** Authorizes the pipeline to use a workload identity connection; returns the token subject. */
  registerServiceConnection(connectionId: string): string {
    this.connections.add(connectionId.toLowerCase());
    return this.subjectFor(connectionId);
  }

  subjectFor(connectionId: string): string {
    return `sc://${this.organization}/${this.projectName}/${connectionId}`;
  }

  /** The next `count` OIDC requests fail with `status` (e.g. 503) before any other check. */
  failNextOidcRequests(count: number, status = 503): void {
    this.failures.push(...Array<number>(count).fill(status));
  }

  issuedCount(): number {
    return this.oidcRequests.filter((r) => r.status === 200).length;
  }

  private handle(req: IncomingMessage, res: ServerResponse, body: Buffer, url: URL): void {
    const segments = url.pathname.split('/').filter(Boolean);
    if (segments[0] !== this.organization) return adoError(res, 404, `The organization '${segments[0]}' does not exist.`, 'OrganizationNotFoundException');
    if (req.method === 'OPTIONS' && segments.slice(1).join('/') === '_apis/distributedtask') return this.locations(req, res);
    const route = /^\/[^/]+\/([^/]+)\/_apis\/distributedtask\/hubs\/([^/]+)\/plans\/([^/]+)\/jobs\/([^/]+)\/oidctoken$/.exec(url.pathname);
    if (req.method === 'POST' && route) return this.oidcToken(req, res, body, url, route.slice(1) as [string, string, string, string]);
    adoError(res, 404, `API resource location for ${req.method} ${url.pathname} was not found.`, 'ApiResourceNotFoundException');
  }

  private locations(req: IncomingMessage, res: ServerResponse): void {
    this.locationRequests++;
    if (!this.authorized(req, res)) return;
    sendJson(res, 200, {
      count: 1,
      value: [
        {
          id: OIDC_TOKEN_LOCATION_ID,
          area: 'distributedtask',
          resourceName: 'oidctoken',
          routeTemplate: '{scopeIdentifier}/_apis/{area}/hubs/{hubName}/plans/{planId}/jobs/{jobId}/{resource}',
          resourceVersion: 1,
          minVersion: '7.1',
          maxVersion: '7.2',
          releasedVersion: '7.1',
        },
      ],
    });
  }

  private oidcToken(req: IncomingMessage, res: ServerResponse, body: Buffer, url: URL, [project, hub, plan, job]: [string, string, string, string]): void {
    const connectionId = url.searchParams.get('serviceConnectionId') ?? '';
    const acceptVersion = /api-version=([^;,\s]+)/.exec(req.headers.accept ?? '')?.[1];
    const record: OidcTokenRequest = {
      seq: nextSequence(),
      connectionId,
      apiVersionFrom: url.searchParams.has('api-version') ? 'query' : acceptVersion ? 'accept' : 'none',
      status: 0,
    };
    this.oidcRequests.push(record);
    const refuse = (status: number, message: string, typeKey: string) => {
      record.status = status;
      adoError(res, status, message, typeKey);
    };

    const injected = this.failures.shift();
    if (injected !== undefined) return refuse(injected, 'The service is temporarily unavailable (injected fault).', 'ServiceUnavailableException');
    if (!this.authorized(req, res)) {
      record.status = res.statusCode;
      return;
    }
    if (record.apiVersionFrom === 'none')
      return refuse(
        400,
        'No api-version was supplied for the POST request. The version must be supplied either as part of the Accept header or as a query parameter.',
        'VssVersionNotSpecifiedException',
      );
    const matchesJob = (project === this.projectId || project === this.projectName) && hub === this.hostType && plan === this.planId && job === this.jobId;
    if (!matchesJob) return refuse(404, `The orchestration plan ${plan} (job ${job}) does not exist or is not running.`, 'TaskOrchestrationPlanNotFoundException');
    if (body.length > 0) {
      try {
        JSON.parse(body.toString('utf8'));
      } catch {
        return refuse(400, 'The request body is not valid JSON (claims).', 'InvalidRequestBodyException');
      }
    }
    if (!connectionId || !this.connections.has(connectionId.toLowerCase())) {
      return refuse(
        400,
        `Service connection '${connectionId}' could not be found, or the pipeline is not authorized to use it for an OIDC token.`,
        'ServiceEndpointNotFoundException',
      );
    }
    const issued = this.opts.authority.issue('oidc', this.subjectFor(connectionId));
    record.status = 200;
    record.token = issued.token;
    sendJson(res, 200, { oidcToken: issued.token });
  }

  /** Checks the job access token. Without X-TFS-FedAuthRedirect: Suppress, ADO redirects to sign-in. */
  private authorized(req: IncomingMessage, res: ServerResponse): boolean {
    if (bearerToken(req) === this.systemAccessToken) return true;
    if (/^suppress$/i.test(String(req.headers['x-tfs-fedauthredirect'] ?? '')) || req.method === 'OPTIONS') {
      adoError(res, 401, 'TF400813: The user is not authorized to access this resource.', 'UnauthorizedRequestException');
    } else {
      res.writeHead(302, { location: `${this.url}/_signin?realm=${this.organization}` });
      res.end();
    }
    return false;
  }
}

function adoError(res: ServerResponse, status: number, message: string, typeKey: string): void {
  sendJson(res, status, {
    $id: '1',
    innerException: null,
    message,
    typeName: `Microsoft.TeamFoundation.${typeKey}, Microsoft.TeamFoundation`,
    typeKey,
    errorCode: 0,
    eventId: 3000,
  });
}
