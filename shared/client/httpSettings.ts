/**
 * The agent's network settings (proxy with its bypass list, custom CA, client certificate),
 * read once through task-lib and applied to every outbound call: Databricks, ARM, Entra ID
 * and the Azure DevOps OIDC endpoint.
 */
import { readFileSync } from 'node:fs';

export interface ProxySettings {
  /** e.g. http://proxy.contoso.com:8080 */
  url: string;
  username?: string;
  password?: string;
  /** Regular expressions (the agent's .proxybypass format) matched against the request URL. */
  bypass: string[];
}

export interface HttpSettings {
  proxy?: ProxySettings;
  /** Extra trusted CA certificates (PEM), added to Node's default store. */
  ca?: string;
  /** Client certificate for mutual TLS (PEM). */
  clientCert?: { cert: string; key: string; passphrase?: string };
  /** Per-attempt timeout for API calls. */
  timeoutMs?: number;
}

/** The subset of task-lib this module reads (injected so tests need no agent). */
export interface AgentNetworkConfig {
  getHttpProxyConfiguration(requestUrl?: string): { proxyUrl: string; proxyUsername?: string; proxyPassword?: string; proxyBypassHosts?: string[] } | null;
  getHttpCertConfiguration(): { caFile?: string; certFile?: string; keyFile?: string; passphrase?: string } | null;
}

export function httpSettingsFromAgent(agent: AgentNetworkConfig, readFile: (p: string) => string = (p) => readFileSync(p, 'utf8')): HttpSettings {
  const settings: HttpSettings = {};
  const proxy = agent.getHttpProxyConfiguration();
  if (proxy?.proxyUrl) {
    settings.proxy = {
      url: proxy.proxyUrl,
      username: proxy.proxyUsername || undefined,
      password: proxy.proxyPassword || undefined,
      bypass: proxy.proxyBypassHosts ?? [],
    };
  }
  const certs = agent.getHttpCertConfiguration();
  if (certs?.caFile) settings.ca = readFile(certs.caFile);
  if (certs?.certFile && certs.keyFile) {
    settings.clientCert = { cert: readFile(certs.certFile), key: readFile(certs.keyFile), passphrase: certs.passphrase || undefined };
  }
  return settings;
}

/** The proxy to use for a URL, or undefined when there is none or the URL is on the bypass list. */
export function proxyFor(url: string | URL, settings: HttpSettings): ProxySettings | undefined {
  const proxy = settings.proxy;
  if (!proxy) return undefined;
  const target = typeof url === 'string' ? url : url.toString();
  for (const pattern of proxy.bypass) {
    try {
      if (new RegExp(pattern, 'i').test(target)) return undefined;
    } catch {
      // An invalid bypass entry is ignored, as the agent does.
    }
  }
  return proxy;
}

/** The proxy URL with credentials embedded, for clients that take one URL. */
export function proxyUrlWithCredentials(proxy: ProxySettings): string {
  const u = new URL(proxy.url);
  if (proxy.username) {
    u.username = encodeURIComponent(proxy.username);
    u.password = encodeURIComponent(proxy.password ?? '');
  }
  return u.toString();
}
