/**
 * A fake Entra ID (v2 endpoints) good enough for @azure/identity (msal-node) to run the
 * client-credentials flows offline: OpenID configuration and token endpoint, over https (msal
 * refuses http authorities). Supported client authentications:
 *
 * - client_secret;
 * - client_assertion that is a certificate-signed JWT (RS256 or PS256; signature, x5t /
 *   x5t#S256 thumbprint, aud = token endpoint, iss = sub = client id, lifetime checked);
 * - client_assertion that is an Azure DevOps OIDC token from the fake ADO (workload identity
 *   federation): valid, unexpired, and issued for the app's federated subject.
 *
 * Errors look like Entra's: `{error, error_description: "AADSTS…: …", error_codes, timestamp,
 * trace_id, correlation_id}` with the AADSTS code a real tenant would give.
 */
import { X509Certificate, constants, createHash, randomUUID, verify } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RunningServer, TlsFiles } from './azureHttps';
import { nextSequence, sendJson, startHttpsServer } from './azureHttps';
import type { FakeTokenAuthority, TokenAudience } from './tokens';

export const DATABRICKS_RESOURCE = '2ff814a6-3304-4ab8-85cb-cd0e6f879c1d';
const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** Entra tolerates this much clock skew on assertion times. */
const SKEW_MS = 5 * 60_000;

export interface EntraApp {
  tenantId: string;
  clientId: string;
  secret?: string;
  /** PEM with the app's certificate (a private key block alongside is ignored). */
  certificatePem?: string;
  /** Subject of the federated credential (Azure DevOps: sc://org/project/connection). */
  federatedSubject?: string;
}

export type ClientAuthentication = 'client_secret' | 'certificate' | 'federated' | 'none';

export interface EntraTokenRequest {
  seq: number;
  tenantId: string;
  clientId: string;
  auth: ClientAuthentication;
  scope: string;
  status: number;
  /** The AADSTS code of a refused request. */
  errorCode?: number;
  /** The access token issued, when one was. */
  accessToken?: string;
  /** The client assertion presented (for federated requests, the OIDC token). */
  assertion?: string;
}

/**
 * Maps a v1 resource (the scope without `/.default`) to a fake audience: Azure Databricks, the
 * service-management endpoints of the three clouds, ARM (public and any extra URLs given).
 */
export function audienceForResource(resource: string, armResources: Iterable<string> = []): TokenAudience | undefined {
  const r = resource.replace(/\/+$/, '').toLowerCase();
  if (r === DATABRICKS_RESOURCE) return 'databricks';
  if (/^https:\/\/management\.core\.(?:windows\.net|usgovcloudapi\.net|chinacloudapi\.cn)$/.test(r)) return 'management';
  const arms = new Set(['https://management.azure.com', ...[...armResources].map((a) => a.replace(/\/+$/, '').toLowerCase())]);
  return arms.has(r) ? 'arm' : undefined;
}

export class FakeEntra {
  readonly tokenRequests: EntraTokenRequest[] = [];
  metadataRequests = 0;
  private readonly apps = new Map<string, EntraApp>();
  private readonly armResources = new Set<string>();
  private server?: RunningServer;

  constructor(private readonly opts: { authority: FakeTokenAuthority; tls: TlsFiles; now?: () => number }) {}

  /** The authority host (https://127.0.0.1:PORT). */
  get url(): string {
    if (!this.server) throw new Error('FakeEntra is not started');
    return this.server.url;
  }

  async start(): Promise<void> {
    this.server = await startHttpsServer(this.opts.tls, (req, res, body, url) => this.handle(req, res, body, url));
  }

  async close(): Promise<void> {
    await this.server?.close();
  }

  registerApp(app: EntraApp): void {
    this.apps.set(app.clientId.toLowerCase(), app);
  }

  /** An extra ARM URL whose scope yields 'arm' tokens (the fake ARM's own URL). */
  addArmResource(url: string): void {
    this.armResources.add(url);
  }

  tokenEndpoint(tenantId: string): string {
    return `${this.url}/${tenantId}/oauth2/v2.0/token`;
  }

  /** Token requests answered with a token, optionally only of one kind of client authentication. */
  issuedCount(auth?: ClientAuthentication): number {
    return this.tokenRequests.filter((r) => r.status === 200 && (auth === undefined || r.auth === auth)).length;
  }

  private now(): number {
    return (this.opts.now ?? Date.now)();
  }

  private handle(req: IncomingMessage, res: ServerResponse, body: Buffer, url: URL): void {
    const parts = url.pathname.split('/').filter(Boolean);
    const tenant = parts[0] ?? '';
    const rest = parts.slice(1).join('/');
    if (req.method === 'GET' && rest === 'v2.0/.well-known/openid-configuration') return this.openIdConfiguration(res, tenant);
    if (req.method === 'POST' && rest === 'oauth2/v2.0/token') return this.token(res, tenant, new URLSearchParams(body.toString('utf8')));
    this.fail(res, 404, 'invalid_request', 900561, `The endpoint only accepts ${req.method === 'GET' ? 'POST' : 'GET'} requests. Received a ${req.method} request.`);
  }

  private openIdConfiguration(res: ServerResponse, tenant: string): void {
    this.metadataRequests++;
    if (!this.knowsTenant(tenant))
      return this.fail(
        res,
        400,
        'invalid_tenant',
        90002,
        `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
      );
    const base = `${this.url}/${tenant}`;
    sendJson(res, 200, {
      token_endpoint: `${base}/oauth2/v2.0/token`,
      token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
      jwks_uri: `${this.url}/${tenant}/discovery/v2.0/keys`,
      response_modes_supported: ['query', 'fragment', 'form_post'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      issuer: `${base}/v2.0`,
      request_uri_parameter_supported: false,
      userinfo_endpoint: `${this.url}/oidc/userinfo`,
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
      http_logout_supported: true,
      frontchannel_logout_supported: true,
      end_session_endpoint: `${base}/oauth2/v2.0/logout`,
      claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'nbf', 'tid'],
      kerberos_endpoint: `${base}/kerberos`,
      tenant_region_scope: 'WW',
      cloud_instance_name: '127.0.0.1',
      cloud_graph_host_name: '127.0.0.1',
      msgraph_host: '127.0.0.1',
      rbac_url: this.url,
    });
  }

  private token(res: ServerResponse, tenant: string, form: URLSearchParams): void {
    const clientId = form.get('client_id') ?? '';
    const scope = form.get('scope') ?? '';
    const assertion = form.get('client_assertion') ?? undefined;
    const record: EntraTokenRequest = { seq: nextSequence(), tenantId: tenant, clientId, auth: 'none', scope, status: 0, assertion };
    this.tokenRequests.push(record);
    const refuse = (status: number, error: string, code: number, description: string) => {
      record.status = status;
      record.errorCode = code;
      this.fail(res, status, error, code, description);
    };

    if (!this.knowsTenant(tenant)) return refuse(400, 'invalid_request', 90002, `Tenant '${tenant}' not found.`);
    if (form.get('grant_type') !== 'client_credentials')
      return refuse(400, 'unsupported_grant_type', 70003, `The app requested an unsupported grant type '${form.get('grant_type')}'.`);
    const app = this.apps.get(clientId.toLowerCase());
    if (!app || app.tenantId.toLowerCase() !== tenant.toLowerCase()) {
      return refuse(
        400,
        'unauthorized_client',
        700016,
        `Application with identifier '${clientId}' was not found in the directory '${tenant}'. This can happen if the application has not been installed by the administrator of the tenant.`,
      );
    }

    const secret = form.get('client_secret');
    if (secret !== null) {
      record.auth = 'client_secret';
      if (!app.secret || secret !== app.secret)
        return refuse(
          401,
          'invalid_client',
          7000215,
          "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '" +
            clientId +
            "'.",
        );
    } else if (assertion !== undefined) {
      if (form.get('client_assertion_type') !== JWT_BEARER) return refuse(400, 'invalid_request', 50027, 'Invalid client_assertion_type.');
      const isJwt = assertion.split('.').length === 3;
      record.auth = isJwt ? 'certificate' : 'federated';
      const problem = isJwt ? this.checkCertificateAssertion(app, tenant, assertion) : this.checkFederatedAssertion(app, assertion);
      if (problem) return refuse(problem.status, problem.error, problem.code, problem.description);
    } else {
      return refuse(401, 'invalid_client', 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
    }

    const resources = scope.split(' ').filter((s) => s && !['openid', 'profile', 'offline_access'].includes(s));
    if (resources.length !== 1 || !resources[0]!.endsWith('/.default')) {
      return refuse(
        400,
        'invalid_scope',
        1002012,
        `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
      );
    }
    const resource = resources[0]!.slice(0, -'/.default'.length);
    const audience = audienceForResource(resource, this.armResources);
    if (!audience)
      return refuse(
        400,
        'invalid_resource',
        500011,
        `The resource principal named ${resource} was not found in the tenant named ${tenant}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant.`,
      );

    const issued = this.opts.authority.issue(audience, app.clientId);
    const expiresIn = Math.max(0, Math.floor((issued.expiresOn - this.now()) / 1000));
    record.status = 200;
    record.accessToken = issued.token;
    sendJson(res, 200, { token_type: 'Bearer', expires_in: expiresIn, ext_expires_in: expiresIn, access_token: issued.token });
  }

  private checkFederatedAssertion(app: EntraApp, assertion: string): Refusal | undefined {
    const check = this.opts.authority.verify(assertion, 'oidc');
    if (!check.ok) {
      if (check.reason === 'expired') {
        const t = check.token!;
        return invalidClient(
          700024,
          `Client assertion is not within its valid time range. Current time: ${iso(this.now())}, assertion valid from ${iso(t.issuedAt)}, expiry time of assertion ${iso(t.expiresOn)}. Review the documentation at https://docs.microsoft.com/azure/active-directory/develop/active-directory-certificate-credentials .`,
        );
      }
      return invalidClient(
        700211,
        'No matching federated identity record found for presented assertion issuer. Please check your federated identity credential Subject, Audience and Issuer against the presented assertion.',
      );
    }
    if (!app.federatedSubject || app.federatedSubject !== check.token.subject) {
      return invalidClient(
        700213,
        `No matching federated identity record found for presented assertion subject '${check.token.subject}'. Please check your federated identity credential Subject, Audience and Issuer against the presented assertion.`,
      );
    }
    return undefined;
  }

  private checkCertificateAssertion(app: EntraApp, tenant: string, jwt: string): Refusal | undefined {
    if (!app.certificatePem) return invalidClient(700027, 'Client assertion failed signature validation: the application has no certificate credential.');
    const [headerPart, payloadPart, signaturePart] = jwt.split('.') as [string, string, string];
    let header: { alg?: string; x5t?: string; 'x5t#S256'?: string };
    let claims: { aud?: string; iss?: string; sub?: string; exp?: number; nbf?: number };
    try {
      header = JSON.parse(Buffer.from(headerPart, 'base64url').toString('utf8')) as typeof header;
      claims = JSON.parse(Buffer.from(payloadPart, 'base64url').toString('utf8')) as typeof claims;
    } catch {
      return invalidClient(50027, 'Invalid JWT token. Token format not valid.');
    }
    const cert = new X509Certificate(app.certificatePem);
    if (header['x5t#S256'] !== undefined && header['x5t#S256'] !== createHash('sha256').update(cert.raw).digest('base64url')) {
      return invalidClient(
        700027,
        `Client assertion failed signature validation: the certificate with thumbprint (x5t#S256) '${header['x5t#S256']}' is not registered on application '${app.clientId}'.`,
      );
    }
    if (header.x5t !== undefined && header.x5t !== createHash('sha1').update(cert.raw).digest('base64url')) {
      return invalidClient(
        700027,
        `Client assertion failed signature validation: the certificate with thumbprint (x5t) '${header.x5t}' is not registered on application '${app.clientId}'.`,
      );
    }
    const signed = Buffer.from(`${headerPart}.${payloadPart}`);
    const signature = Buffer.from(signaturePart, 'base64url');
    const key = cert.publicKey;
    const valid =
      header.alg === 'RS256'
        ? verify('sha256', signed, key, signature)
        : header.alg === 'PS256'
          ? verify('sha256', signed, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }, signature)
          : false;
    if (!valid) return invalidClient(700027, `Client assertion failed signature validation (alg ${header.alg}).`);
    if (claims.aud !== this.tokenEndpoint(tenant)) return invalidClient(700212, `The audience '${claims.aud}' of the client assertion does not match the token endpoint.`);
    if (claims.iss !== app.clientId || claims.sub !== app.clientId) return invalidClient(700023, 'The client assertion issuer and subject must be the client id.');
    const now = this.now();
    if (typeof claims.exp !== 'number' || claims.exp * 1000 + SKEW_MS < now || (typeof claims.nbf === 'number' && claims.nbf * 1000 - SKEW_MS > now)) {
      return invalidClient(700024, `Client assertion is not within its valid time range. Current time: ${iso(now)}.`);
    }
    return undefined;
  }

  private knowsTenant(tenant: string): boolean {
    return [...this.apps.values()].some((a) => a.tenantId.toLowerCase() === tenant.toLowerCase());
  }

  private fail(res: ServerResponse, status: number, error: string, code: number, description: string): void {
    const traceId = randomUUID();
    const correlationId = randomUUID();
    const timestamp = new Date(this.now())
      .toISOString()
      .replace('T', ' ')
      .replace(/\.\d+Z$/, 'Z');
    sendJson(res, status, {
      error,
      error_description: `AADSTS${code}: ${description} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
      error_codes: [code],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
      error_uri: `${this.server?.url ?? ''}/error?code=${code}`,
    });
  }
}

interface Refusal {
  status: number;
  error: string;
  code: number;
  description: string;
}

function invalidClient(code: number, description: string): Refusal {
  return { status: 401, error: 'invalid_client', code, description };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
