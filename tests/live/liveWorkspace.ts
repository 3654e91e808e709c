/**
 * What the live suite needs from a real Azure Databricks workspace: its settings from the
 * environment, the agent environment of a ServicePrincipal (secret) service connection built
 * from them, unique resource names per run, and a small REST client of its own for set-up and
 * clean-up (independent of the code under test, so a bug there cannot hide a leak).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { ClientSecretCredential } from '@azure/identity';

/** Entra ID application id of Azure Databricks (the token audience). */
const DATABRICKS_RESOURCE = '2ff814a6-3304-4ab8-85cb-cd0e6f879c1d';

export interface LiveSettings {
  workspaceUrl: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
  catalog: string;
  schema: string;
  warehouseId: string;
  /** MLflow run with a logged model at `artifactPath` (registration from a run). */
  runId: string;
  artifactPath: string;
  /** Deploy a serving endpoint too (slow: 10–30 minutes, and it costs). */
  serving: boolean;
}

export const LIVE_VARIABLES = {
  workspaceUrl: 'DATABRICKS_MLOPS_LIVE_WORKSPACE_URL',
  tenantId: 'AZURE_TENANT_ID',
  clientId: 'AZURE_CLIENT_ID',
  clientSecret: 'AZURE_CLIENT_SECRET',
  catalog: 'DATABRICKS_MLOPS_LIVE_CATALOG',
  schema: 'DATABRICKS_MLOPS_LIVE_SCHEMA',
  warehouseId: 'DATABRICKS_MLOPS_LIVE_WAREHOUSE_ID',
  runId: 'DATABRICKS_MLOPS_LIVE_RUN_ID',
} as const;

export const OPTIONAL_LIVE_VARIABLES = {
  artifactPath: 'DATABRICKS_MLOPS_LIVE_ARTIFACT_PATH',
  serving: 'DATABRICKS_MLOPS_LIVE_SERVING',
} as const;

/** The settings, or the names of the variables that are missing. */
export function liveSettings(env: NodeJS.ProcessEnv = process.env): { settings?: LiveSettings; missing: string[] } {
  const missing = Object.values(LIVE_VARIABLES).filter((name) => !env[name]?.trim());
  if (missing.length > 0) return { missing };
  const get = (name: string): string => env[name]!.trim();
  return {
    missing,
    settings: {
      workspaceUrl: get(LIVE_VARIABLES.workspaceUrl).replace(/\/+$/, ''),
      tenantId: get(LIVE_VARIABLES.tenantId),
      clientId: get(LIVE_VARIABLES.clientId),
      clientSecret: get(LIVE_VARIABLES.clientSecret),
      catalog: get(LIVE_VARIABLES.catalog),
      schema: get(LIVE_VARIABLES.schema),
      warehouseId: get(LIVE_VARIABLES.warehouseId),
      runId: get(LIVE_VARIABLES.runId),
      artifactPath: env[OPTIONAL_LIVE_VARIABLES.artifactPath]?.trim() || 'model',
      serving: /^(1|true|yes)$/i.test(env[OPTIONAL_LIVE_VARIABLES.serving]?.trim() ?? ''),
    },
  };
}

/**
 * The ENDPOINT_* variables the agent gives a task for an AzureRM service connection of the
 * ServicePrincipal scheme with a secret, and the connection id to pass as azureSubscription.
 */
export function servicePrincipalConnection(s: LiveSettings): { connectionId: string; env: Record<string, string> } {
  const id = randomUUID();
  const parameters = { tenantid: s.tenantId, serviceprincipalid: s.clientId, authenticationType: 'spnKey', serviceprincipalkey: s.clientSecret };
  const data = { environment: 'AzureCloud', scopeLevel: 'Subscription', subscriptionId: '00000000-0000-0000-0000-000000000000', subscriptionName: 'live tests' };
  const env: Record<string, string> = {
    [`ENDPOINT_URL_${id}`]: 'https://management.azure.com/',
    [`ENDPOINT_AUTH_${id}`]: JSON.stringify({ parameters, scheme: 'ServicePrincipal' }),
    [`ENDPOINT_AUTH_SCHEME_${id}`]: 'ServicePrincipal',
    [`ENDPOINT_DATA_${id}`]: JSON.stringify(data),
  };
  for (const [key, value] of Object.entries(parameters)) env[`ENDPOINT_AUTH_PARAMETER_${id}_${key.toUpperCase()}`] = value;
  for (const [key, value] of Object.entries(data)) env[`ENDPOINT_DATA_${id}_${key.toUpperCase()}`] = value;
  return { connectionId: id, env };
}

/**
 * A name prefix unique to this run, with the date so a sweeper (or a person) can tell leftovers
 * of crashed runs from live resources: dbxmlops_live_20250301_a1b2c3.
 */
export function runPrefix(now = new Date()): string {
  const day = now.toISOString().slice(0, 10).replace(/-/g, '');
  return `dbxmlops_live_${day}_${randomBytes(3).toString('hex')}`;
}

export class LiveApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
    method: string,
    path: string,
  ) {
    super(`${method} ${path} → ${status}: ${body.slice(0, 500)}`);
  }
}

/** A minimal REST client for set-up, checks and clean-up. */
export class LiveWorkspace {
  private readonly credential: ClientSecretCredential;

  constructor(readonly settings: LiveSettings) {
    this.credential = new ClientSecretCredential(settings.tenantId, settings.clientId, settings.clientSecret);
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const token = await this.credential.getToken(`${DATABRICKS_RESOURCE}/.default`);
    const response = await fetch(`${this.settings.workspaceUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token.token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new LiveApiError(response.status, text, method, path);
    return (text ? JSON.parse(text) : {}) as T;
  }

  /** DELETE that counts "already gone" (404) as done. */
  async deleteIfExists(path: string): Promise<void> {
    try {
      await this.request('DELETE', path);
    } catch (error) {
      if (!(error instanceof LiveApiError && error.status === 404)) throw error;
    }
  }

  /** Runs one SQL statement on the warehouse and waits for it. */
  async sql(statement: string): Promise<void> {
    let result = await this.request<{ statement_id: string; status: { state: string; error?: { message?: string } } }>('POST', '/api/2.0/sql/statements', {
      statement,
      warehouse_id: this.settings.warehouseId,
      wait_timeout: '50s',
      on_wait_timeout: 'CONTINUE',
    });
    const deadline = Date.now() + 10 * 60_000;
    while (['PENDING', 'RUNNING'].includes(result.status.state)) {
      if (Date.now() > deadline) throw new Error(`SQL statement still ${result.status.state} after 10 minutes: ${statement}`);
      await sleep(5_000);
      result = await this.request('GET', `/api/2.0/sql/statements/${result.statement_id}`);
    }
    if (result.status.state !== 'SUCCEEDED') throw new Error(`SQL ${result.status.state}: ${result.status.error?.message ?? ''} (${statement})`);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Retries `check` until it passes or `timeoutMs` elapses: the workspace is eventually
 * consistent (a new model version, a monitor or a grant can take seconds to be visible).
 */
export async function eventually<T>(check: () => Promise<T>, opts: { timeoutMs?: number; intervalMs?: number; what?: string } = {}): Promise<T> {
  const deadline = Date.now() + (opts.timeoutMs ?? 120_000);
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() + (opts.intervalMs ?? 5_000) > deadline) {
        throw new Error(`${opts.what ?? 'condition'} did not hold in time: ${(error as Error).message}`);
      }
      await sleep(opts.intervalMs ?? 5_000);
    }
  }
}
