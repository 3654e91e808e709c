/**
 * A fake App Service style managed identity endpoint (IDENTITY_ENDPOINT + IDENTITY_HEADER), as
 * msal-node's AppService source calls it: `GET {IDENTITY_ENDPOINT}?api-version=2019-08-01
 * &resource=<v1 resource>[&client_id=<user-assigned>]` with the header `X-IDENTITY-HEADER`.
 * Answers `{access_token, expires_on (epoch seconds, as a string), resource, token_type,
 * client_id}`; errors are `{error, error_description}`.
 *
 * Note: msal-node remembers the managed identity source (endpoint and header) in a static
 * field, once per process, so in-process tests must use one instance for the whole run.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RunningServer, TlsFiles } from './azureHttps';
import { nextSequence, sendJson, startHttpsServer } from './azureHttps';
import { audienceForResource } from './entra';
import type { FakeTokenAuthority } from './tokens';

export const APP_SERVICE_MSI_API_VERSION = '2019-08-01';
const TOKEN_PATH = '/msi/token';

export interface ManagedIdentityRequest {
  seq: number;
  resource: string;
  clientId?: string;
  status: number;
  token?: string;
}

export class FakeManagedIdentity {
  /** IDENTITY_HEADER. */
  readonly identityHeader = randomBytes(16).toString('hex');
  /** Client id (and token subject) of the system-assigned identity. */
  readonly systemAssignedClientId = randomUUID();
  readonly requests: ManagedIdentityRequest[] = [];
  private readonly userAssigned = new Set<string>();
  private readonly armResources = new Set<string>();
  private server?: RunningServer;

  constructor(private readonly opts: { authority: FakeTokenAuthority; tls: TlsFiles; now?: () => number }) {}

  /** IDENTITY_ENDPOINT. */
  get identityEndpoint(): string {
    if (!this.server) throw new Error('FakeManagedIdentity is not started');
    return `${this.server.url}${TOKEN_PATH}`;
  }

  async start(): Promise<void> {
    this.server = await startHttpsServer(this.opts.tls, (req, res, _body, url) => this.handle(req, res, url));
  }

  async close(): Promise<void> {
    await this.server?.close();
  }

  /** A user-assigned identity attached to the "machine"; its client id is also its token subject. */
  registerUserAssigned(clientId: string): void {
    this.userAssigned.add(clientId.toLowerCase());
  }

  addArmResource(url: string): void {
    this.armResources.add(url);
  }

  issuedCount(): number {
    return this.requests.filter((r) => r.status === 200).length;
  }

  private handle(req: IncomingMessage, res: ServerResponse, url: URL): void {
    const resource = url.searchParams.get('resource') ?? '';
    const clientId = url.searchParams.get('client_id') ?? undefined;
    const record: ManagedIdentityRequest = { seq: nextSequence(), resource, clientId, status: 0 };
    this.requests.push(record);
    const refuse = (status: number, error: string, description: string) => {
      record.status = status;
      sendJson(res, status, { error, error_description: description });
    };

    if (req.method !== 'GET' || url.pathname !== TOKEN_PATH) return refuse(404, 'not_found', `No managed identity endpoint at ${req.method} ${url.pathname}.`);
    if (req.headers['x-identity-header'] !== this.identityHeader) return refuse(401, 'unauthorized', 'The X-IDENTITY-HEADER header is missing or does not match IDENTITY_HEADER.');
    if (url.searchParams.get('api-version') !== APP_SERVICE_MSI_API_VERSION)
      return refuse(400, 'invalid_request', `Unsupported api-version '${url.searchParams.get('api-version')}'; expected ${APP_SERVICE_MSI_API_VERSION}.`);
    if (clientId !== undefined && !this.userAssigned.has(clientId.toLowerCase())) {
      return refuse(400, 'invalid_request', `Identity not found: no user-assigned identity with client id '${clientId}' is assigned to this resource.`);
    }
    const audience = audienceForResource(resource, this.armResources);
    if (!audience) return refuse(400, 'invalid_resource', `AADSTS500011: The resource principal named ${resource} was not found in the tenant.`);

    const subject = clientId ?? this.systemAssignedClientId;
    const issued = this.opts.authority.issue(audience, subject);
    record.status = 200;
    record.token = issued.token;
    sendJson(res, 200, {
      access_token: issued.token,
      expires_on: String(Math.floor(issued.expiresOn / 1000)),
      resource,
      token_type: 'Bearer',
      client_id: subject,
    });
  }
}
