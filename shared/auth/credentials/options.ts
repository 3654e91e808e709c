/**
 * The options every @azure/identity credential gets from the connection and the agent's
 * network settings: the connection's authority with instance discovery off (so sovereign,
 * Azure Stack and test authorities work: msal-node would otherwise validate the authority
 * against the public cloud), the agent's proxy unless the authority is on its bypass list,
 * and the agent's CA / client certificate as the pipeline's TLS settings.
 *
 * TLS goes in `tlsOptions` (core-rest-pipeline turns it into its tlsPolicy) rather than in
 * `additionalPolicies`: ManagedIdentityCredential replaces `additionalPolicies` with its own
 * retry policy, which would silently drop the agent's CA.
 */
import { rootCertificates } from 'node:tls';
import type { TokenCredentialOptions } from '@azure/identity';
import type { HttpSettings } from '../../client/httpSettings';
import { proxyFor } from '../../client/httpSettings';
import type { AnsweringSend } from '../../client/pipeline';
import type { Clock } from '../../runtime/clock';

/** What a scheme handler may need besides the connection. */
export interface CredentialDeps {
  http: HttpSettings;
  /** Transport for the Azure DevOps OIDC request (workload identity federation); every answer resolves. */
  send: AnsweringSend;
  setSecret(value: string): void;
  clock: Clock;
  debug?(message: string): void;
}

type PipelineOptions = Pick<TokenCredentialOptions, 'proxyOptions' | 'tlsOptions'>;

export type AuthorityCredentialOptions = TokenCredentialOptions & { authorityHost: string; disableInstanceDiscovery: true };

export function authorityCredentialOptions(authorityHost: string, http: HttpSettings): AuthorityCredentialOptions {
  return { ...pipelineOptions(authorityHost, http), authorityHost, disableInstanceDiscovery: true };
}

/**
 * Proxy for `targetUrl` (none when there is no target: managed identity endpoints are local
 * and must not go through a proxy) and TLS settings. Note that core-rest-pipeline ignores TLS
 * settings for requests it sends through a proxy.
 */
export function pipelineOptions(targetUrl: string | undefined, http: HttpSettings): PipelineOptions {
  const options: PipelineOptions = {};
  const proxy = targetUrl ? proxyFor(targetUrl, http) : undefined;
  if (proxy) {
    const u = new URL(proxy.url);
    options.proxyOptions = {
      host: `${u.protocol}//${u.hostname}`,
      port: Number(u.port || (u.protocol === 'https:' ? 443 : 80)),
      username: proxy.username,
      password: proxy.password,
    };
  }
  if (http.ca || http.clientCert) {
    options.tlsOptions = {
      // An explicit `ca` replaces Node's store, so the agent's CA is added to it, not swapped in.
      ca: http.ca ? [...rootCertificates, http.ca] : undefined,
      cert: http.clientCert?.cert,
      key: http.clientCert?.key,
      passphrase: http.clientCert?.passphrase,
    };
  }
  return options;
}
