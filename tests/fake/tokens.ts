/**
 * The fake cloud's token authority, shared in-process by the fake Entra ID, the fake Azure
 * DevOps OIDC endpoint, the fake managed-identity endpoint, the fake ARM and the fake
 * Databricks workspace. Tokens are opaque random strings that carry no meaning; the
 * authority remembers what each was issued for and until when.
 */
import { randomBytes } from 'node:crypto';

export type TokenAudience = 'databricks' | 'management' | 'arm' | 'oidc';

export interface IssuedToken {
  token: string;
  audience: TokenAudience;
  subject: string;
  issuedAt: number;
  expiresOn: number;
}

export type VerifyResult = { ok: true; token: IssuedToken } | { ok: false; reason: 'missing' | 'unknown' | 'expired' | 'wrong-audience'; token?: IssuedToken };

export class FakeTokenAuthority {
  /** Lifetimes in real milliseconds (tests shorten them to exercise refresh). */
  lifetimesMs: Record<TokenAudience, number> = {
    databricks: 60 * 60_000,
    management: 60 * 60_000,
    arm: 60 * 60_000,
    oidc: 10 * 60_000,
  };
  readonly issued: IssuedToken[] = [];
  private readonly byToken = new Map<string, IssuedToken>();

  constructor(private readonly now: () => number = Date.now) {}

  issue(audience: TokenAudience, subject: string): IssuedToken {
    const issuedAt = this.now();
    const t: IssuedToken = {
      token: `fake-${audience}-${randomBytes(18).toString('base64url')}`,
      audience,
      subject,
      issuedAt,
      expiresOn: issuedAt + this.lifetimesMs[audience],
    };
    this.issued.push(t);
    this.byToken.set(t.token, t);
    return t;
  }

  verify(token: string | undefined, audience: TokenAudience): VerifyResult {
    if (!token) return { ok: false, reason: 'missing' };
    const t = this.byToken.get(token);
    if (!t) return { ok: false, reason: 'unknown' };
    if (t.audience !== audience) return { ok: false, reason: 'wrong-audience', token: t };
    if (this.now() >= t.expiresOn) return { ok: false, reason: 'expired', token: t };
    return { ok: true, token: t };
  }

  lookup(token: string): IssuedToken | undefined {
    return this.byToken.get(token);
  }
}
