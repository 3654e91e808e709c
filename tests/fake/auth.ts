/**
 * Bearer-token checking as the Azure Databricks front end does it, and the workspace's users.
 *
 * Answers follow what the real service has been observed to send (see the report of this
 * module's tests): the authentication layer answers with a *numeric* `error_code` (e.g.
 * `{"error_code":401,"message":"..."}`), no `details`, and an `X-Databricks-Reason-Phrase`
 * header; a token for another audience gets an HTML page naming the JWT claim exception.
 *
 * | case | answer |
 * |---|---|
 * | no `Authorization: Bearer` header | 401 "Credential was not sent or was of an unsupported type for this API." |
 * | token the authority never issued | 403 "Invalid access token." |
 * | expired, or expiring within the margin (30 s × time scale) | 401 "Token is expired." / "Token is expiring within 30 seconds. (token expired)" |
 * | token for another audience | 400 HTML `io.jsonwebtoken.IncorrectClaimException: Expected aud claim to be: 2ff814a6-…` |
 * | principal not a workspace user | 403 "User not authorized." |
 *
 * A principal that is not a user is admitted (and added as one) when the request also carries
 * `X-Databricks-Azure-SP-Management-Token` (a valid management token of the same principal) and
 * `X-Databricks-Azure-Workspace-Resource-Id` naming this workspace, and the principal may
 * manage the workspace (Contributor/Owner on it; `mayAutoProvision`).
 */
import type { IncomingHttpHeaders } from 'node:http';
import { randomInt } from 'node:crypto';
import type { Reply } from './http';
import { jettyErrorPage, json } from './http';
import type { FakeTokenAuthority, TokenAudience } from './tokens';

/** Azure Databricks' first-party application id: the audience of its tokens. */
export const DATABRICKS_APP_ID = '2ff814a6-3304-4ab8-85cb-cd0e6f879c1d';

export const MANAGEMENT_TOKEN_HEADER = 'x-databricks-azure-sp-management-token';
export const RESOURCE_ID_HEADER = 'x-databricks-azure-workspace-resource-id';

/** The `aud` claim a token of each fake audience would carry. */
const AUDIENCE_CLAIM: Record<TokenAudience, string> = {
  databricks: DATABRICKS_APP_ID,
  management: 'https://management.core.windows.net/',
  arm: 'https://management.azure.com/',
  oidc: 'api://AzureADTokenExchange',
};

export interface WorkspaceUser {
  /** SCIM id (numeric text, as Databricks assigns). */
  id: string;
  /** For a service principal, its application id (the token subject). */
  userName: string;
  displayName: string;
  active: boolean;
  /** Added on first call through the management headers rather than by an admin. */
  autoProvisioned: boolean;
}

/** The principals known to the workspace, keyed by token subject (application id). */
export class WorkspaceUsers implements Iterable<WorkspaceUser> {
  private readonly bySubject = new Map<string, WorkspaceUser>();

  add(subject: string, opts: { displayName?: string; autoProvisioned?: boolean } = {}): WorkspaceUser {
    const existing = this.bySubject.get(subject);
    if (existing) return existing;
    const user: WorkspaceUser = {
      id: String(randomInt(2 ** 47, 2 ** 48 - 1)),
      userName: subject,
      displayName: opts.displayName ?? subject,
      active: true,
      autoProvisioned: opts.autoProvisioned ?? false,
    };
    this.bySubject.set(subject, user);
    return user;
  }

  has(subject: string): boolean {
    return this.bySubject.has(subject);
  }

  get(subject: string): WorkspaceUser | undefined {
    return this.bySubject.get(subject);
  }

  delete(subject: string): boolean {
    return this.bySubject.delete(subject);
  }

  get size(): number {
    return this.bySubject.size;
  }

  [Symbol.iterator](): Iterator<WorkspaceUser> {
    return this.bySubject.values();
  }
}

/** What authentication needs to know about the workspace. */
export interface AuthSettings {
  authority: FakeTokenAuthority;
  users: WorkspaceUsers;
  resourceId: string;
  /** Tokens expiring within this many real milliseconds are refused. */
  tokenExpiryMarginMs: number;
  /** Whether the principal holds Contributor/Owner on the workspace resource (auto-provisioning). */
  mayAutoProvision(subject: string): boolean;
  now(): number;
}

export type AuthResult =
  { ok: true; subject: string; managementHeaders: boolean; autoProvisioned: boolean } | { ok: false; reply: Reply; subject?: string; managementHeaders: boolean };

export function authenticate(headers: IncomingHttpHeaders, path: string, settings: AuthSettings): AuthResult {
  const managementHeaders = headers[MANAGEMENT_TOKEN_HEADER] !== undefined || headers[RESOURCE_ID_HEADER] !== undefined;
  const refuse = (reply: Reply, subject?: string): AuthResult => ({ ok: false, reply, subject, managementHeaders });

  const bearer = /^Bearer +(\S+)\s*$/i.exec(headers.authorization ?? '')?.[1];
  if (!bearer) return refuse(authError(401, 'Credential was not sent or was of an unsupported type for this API.'));

  const verified = settings.authority.verify(bearer, 'databricks');
  if (!verified.ok) {
    const subject = verified.token?.subject;
    switch (verified.reason) {
      case 'expired':
        return refuse(authError(401, 'Token is expired.'), subject);
      case 'wrong-audience': {
        const reason = `io.jsonwebtoken.IncorrectClaimException: Expected aud claim to be: ${DATABRICKS_APP_ID}, but was: ${AUDIENCE_CLAIM[verified.token!.audience]}.`;
        return refuse(jettyErrorPage(400, reason, path), subject);
      }
      default:
        return refuse(authError(403, 'Invalid access token.'));
    }
  }
  const subject = verified.token.subject;
  if (verified.token.expiresOn - settings.now() <= settings.tokenExpiryMarginMs) {
    return refuse(authError(401, 'Token is expiring within 30 seconds. (token expired)'), subject);
  }
  if (settings.users.has(subject)) return { ok: true, subject, managementHeaders, autoProvisioned: false };

  const denial = autoProvisionDenial(headers, subject, settings);
  if (denial) return refuse(authError(403, denial), subject);
  settings.users.add(subject, { autoProvisioned: true });
  return { ok: true, subject, managementHeaders, autoProvisioned: true };
}

/** Why a principal that is not a user cannot be added through the management headers, or undefined. */
function autoProvisionDenial(headers: IncomingHttpHeaders, subject: string, settings: AuthSettings): string | undefined {
  const managementToken = headerValue(headers[MANAGEMENT_TOKEN_HEADER]);
  const resourceId = headerValue(headers[RESOURCE_ID_HEADER]);
  if (managementToken === undefined || resourceId === undefined) return 'User not authorized.';
  const management = settings.authority.verify(managementToken, 'management');
  if (!management.ok) return 'Invalid Azure management token.';
  if (management.token.subject !== subject) return 'The Azure management token does not belong to the caller.';
  if (resourceId.toLowerCase() !== settings.resourceId.toLowerCase()) return 'User not authorized. The workspace resource id does not match this workspace.';
  if (!settings.mayAutoProvision(subject)) return 'User not authorized. The principal has no Contributor or Owner role on the workspace.';
  return undefined;
}

function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/** The authentication layer's answer: numeric error_code, no details, reason phrase header. */
function authError(status: number, message: string): Reply {
  return json(status, { error_code: status, message }, { 'x-databricks-reason-phrase': message });
}
