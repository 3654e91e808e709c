/**
 * What an endpoint serves, as the report and the waits see it (snapshots, the (name, version)
 * pairs to wait for), its page in the workspace, the record marked used after a rollback, and
 * durations as the summary prints them: shared by a deployment, a failed rollout's rollback and
 * trafficMode rollback.
 */
import { message } from './messages';
import { patchServingEndpointTags, type ServingEndpointDetailed } from '../../../shared/api/serving';
import { CancelledError } from '../../../shared/client/errors';
import type { ServedEntitySnapshot } from '../../../shared/runtime/reportTypes';
import type { TaskDeps } from '../../../shared/runtime/task';
import type { WantedPair } from './readiness';
import { usedHeaderTag, type RecordWrite } from './rollbackRecord';
import type { ServingConfig } from './servedConfig';

/** What the helpers of this task use of TaskDeps (readiness.ts, inferenceLog.ts take the same two). */
export type DeployDeps = Pick<TaskDeps, 'client' | 'ctx'>;

/** The endpoint's page in the workspace UI. */
export function endpointPage(client: Pick<DeployDeps['client'], 'link'>, endpointName: string): string {
  return client.link(`/ml/endpoints/${encodeURIComponent(endpointName)}`);
}

/** After a successful rollback: the record is marked used (rollbackRecord.ts), best effort. */
export async function markRecordUsed(deps: DeployDeps, endpointName: string, header: RecordWrite['header']): Promise<void> {
  try {
    await patchServingEndpointTags(deps.client, endpointName, { add_tags: [usedHeaderTag(header)] });
  } catch (e) {
    if (e instanceof CancelledError) throw e;
    deps.ctx.log.warning(message('RecordNotMarked', endpointName, (e as Error).message));
  }
}

export function pairs(config: ServingConfig): WantedPair[] {
  return config.entities.map((e) => ({ name: e.name, entityName: e.entityName, entityVersion: e.entityVersion }));
}

export function snapshots(config: ServingConfig | undefined, endpoint?: ServingEndpointDetailed): ServedEntitySnapshot[] {
  if (!config) return [];
  const states = new Map((endpoint?.config?.served_entities ?? []).map((e) => [e.name, e.state?.deployment]));
  return config.entities.map((e) => ({
    name: e.name,
    entityName: e.entityName,
    entityVersion: e.entityVersion,
    trafficPercent: config.traffic[e.name] ?? 0,
    state: states.get(e.name),
    workloadSize: e.workloadSize,
    scaleToZero: e.scaleToZero,
  }));
}

export function formatDuration(seconds: number): string {
  const m = Math.floor(seconds / 60);
  const s = Math.round(seconds % 60);
  return m ? `${m} min ${s} s` : `${s} s`;
}
