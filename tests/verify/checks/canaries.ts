/**
 * Check 1, secret canaries: every scenario runs with system.debug=true under each credential
 * kind, with unique secret values (the client secret, the certificate's private key, and the
 * OIDC, Entra ID, management and job tokens the fakes mint at random). No canary may appear in
 * stdout (masking commands excepted), stderr or any file the run wrote.
 */
import { randomBytes } from 'node:crypto';
import { clientCertificatePem } from '../../fake/certs';
import type { ConnectionEnvOptions, ConnectionScheme, FakeCloud } from '../../fake/cloud';
import type { TaskRun } from '../../helpers/runTask';
import { runEvidence } from '../evidence';
import { mapLimit } from '../pool';
import { runCase, type Report } from '../report';
import type { Scenario, VerifyOptions } from '../types';
import { outcome, withWorld } from '../world';
import type { PackagedTasks } from '../vsix';

interface Variant {
  name: string;
  scheme: ConnectionScheme;
  viaResourceId: boolean;
  connection(): { options: ConnectionEnvOptions; canaries: Canary[] };
}

export interface Canary {
  kind: string;
  value: string;
}

const VARIANTS: Variant[] = [
  // By ARM id: the OIDC token, then Entra ID tokens for ARM, management and Databricks.
  { name: 'workload-identity', scheme: 'WorkloadIdentityFederation', viaResourceId: true, connection: () => ({ options: {}, canaries: [] }) },
  {
    name: 'client-secret',
    scheme: 'ServicePrincipalSecret',
    viaResourceId: false,
    connection: () => {
      const secret = `canary-secret-${randomBytes(12).toString('hex')}`;
      return { options: { secret }, canaries: [{ kind: 'client secret', value: secret }] };
    },
  },
  {
    name: 'certificate',
    scheme: 'ServicePrincipalCertificate',
    viaResourceId: false,
    connection: () => {
      const cert = clientCertificatePem('verify-canary');
      return { options: { certificatePem: cert.pem }, canaries: keyLines(cert.keyPem).map((value) => ({ kind: 'certificate private key', value })) };
    },
  },
];

/** The base64 body lines of a PEM private key: any one of them in the output is a leak. */
function keyLines(keyPem: string): string[] {
  return keyPem
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length >= 40 && !l.startsWith('-----'));
}

function tokenCanaries(cloud: FakeCloud): Canary[] {
  return [...cloud.authority.issued.map((t) => ({ kind: `${t.audience} token`, value: t.token })), { kind: 'Azure DevOps job token', value: cloud.ado.systemAccessToken }];
}

/** Where each canary found in the run's output and files appears (kinds, never values). */
export function leaks(run: TaskRun, canaries: Canary[]): string[] {
  const found: string[] = [];
  for (const e of runEvidence(run)) {
    for (const c of canaries) if (e.text.includes(c.value)) found.push(`${c.kind} in ${e.where}`);
  }
  return [...new Set(found)];
}

export async function canaryCheck(pkg: PackagedTasks, scenarios: Scenario[], opts: VerifyOptions, timeScale: number, report: Report): Promise<void> {
  const cases = scenarios.flatMap((s) => VARIANTS.map((v) => ({ s, v })));
  await mapLimit(cases, opts.concurrency, ({ s, v }) =>
    runCase(report, 'canaries', s.task, `${s.name} ${v.name}`, () =>
      withWorld(pkg, timeScale, async (world) => {
        const inputs = await s.prepare(world.cloud);
        const conn = v.connection();
        const run = await world.run(s.task, inputs, { scheme: v.scheme, connection: conn.options, viaResourceId: v.viaResourceId, env: { SYSTEM_DEBUG: 'true' } });
        const canaries = [...conn.canaries, ...tokenCanaries(world.cloud)];
        const found = leaks(run, canaries);
        if (found.length) return { ok: false, detail: `leaked ${found.join('; ')}` };
        // A run that never got a token proves nothing about masking.
        if (!world.cloud.authority.issued.some((t) => t.audience === 'databricks'))
          return { ok: false, detail: `no Databricks token was issued, the secrets were not exercised (${outcome(run)})` };
        return { ok: true, detail: `${canaries.length} canaries absent from output and ${runEvidence(run).length - 2} files (${outcome(run)})` };
      }),
    ),
  );
}
