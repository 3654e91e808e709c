/**
 * Check 6, token lifetime: a deployment whose rollout takes 60 minutes of task time, with
 * 10-minute OIDC tokens and 60-minute Entra ID tokens, over workload identity federation and
 * the ARM id (so the management token is used too). No request may carry an expired token:
 * the fake workspace answers 401 to one (and to one expiring within its 30 s margin), and
 * every Databricks/management token must have been valid when the request using it arrived.
 */
import { seedModel } from '../../fake/seeds/serving';
import { succeeded } from '../judge';
import { runCase, type Report } from '../report';
import type { VerifyOptions } from '../types';
import type { PackagedTasks } from '../vsix';
import { outcome, withWorld } from '../world';

const TASK = 'DatabricksDeployServing';
/** 60 minutes of task time in 7.2 s. */
const TIME_SCALE = 0.002;
const MINUTE = 60_000;

export async function tokenLifetimeCheck(pkg: PackagedTasks, opts: VerifyOptions, report: Report): Promise<void> {
  if (!pkg.tasks.has(TASK) || (opts.task && opts.task !== TASK)) return;
  await runCase(report, 'tokens', TASK, '60-minute readiness wait, 10-minute OIDC and 60-minute Entra tokens', () =>
    withWorld(pkg, TIME_SCALE, async (world) => {
      const { cloud } = world;
      const ws = cloud.workspace;
      const lifetimes = cloud.authority.lifetimesMs;
      lifetimes.oidc = 10 * MINUTE * TIME_SCALE;
      lifetimes.databricks = lifetimes.management = lifetimes.arm = 60 * MINUTE * TIME_SCALE;
      ws.state.serving.updateDurationMs = 60 * MINUTE;
      ws.state.uc.addSchema('main.ml_logs');
      seedModel(ws, { fullName: 'main.ml.churn_model', latestVersion: 3 });
      const run = await world.run(
        TASK,
        { endpointName: 'token-lifetime', modelName: 'main.ml.churn_model', modelVersion: '3', inferenceCatalog: 'main', inferenceSchema: 'ml_logs', timeoutMinutes: '90' },
        { viaResourceId: true, timeoutMs: 180_000 },
      );
      const rejected = ws.requests.filter((r) => r.status === 401);
      const issued = cloud.authority.issued;
      const count = (audience: string) => issued.filter((t) => t.audience === audience).length;
      const waitedMin = (run.durationMs / TIME_SCALE / MINUTE).toFixed(0);
      const problems: string[] = [];
      if (!succeeded(run)) problems.push(`run ${outcome(run)}`);
      // Without a full hour of waiting the tokens were never old enough to matter.
      if (run.durationMs < 60 * MINUTE * TIME_SCALE) problems.push(`the run lasted only ${waitedMin} task minutes`);
      if (rejected.length) problems.push(`${rejected.length} request(s) rejected with 401, first ${rejected[0]!.method} ${rejected[0]!.path}`);
      if (count('databricks') < 2) problems.push(`only ${count('databricks')} Databricks token(s) issued over ${waitedMin} task minutes: no refresh happened`);
      const detail = `${waitedMin} task minutes, ${ws.requests.length} requests, tokens issued: oidc ${count('oidc')}, arm ${count('arm')}, management ${count('management')}, databricks ${count('databricks')}`;
      return problems.length ? { ok: false, detail: `${problems.join('; ')}; ${detail}` } : { ok: true, detail: `no expired token used; ${detail}` };
    }),
  );
}
