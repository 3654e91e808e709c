/**
 * Finding what is to be registered or promoted, read-only: the MLflow run (by id, or the newest
 * FINISHED match of a filter in an experiment), the version a run already produced, or the
 * existing version (`latest` or a number) that must be READY.
 */
import { getExperimentByName, getRun, searchRuns, type Run, type RunWithOrigin } from '../../../shared/api/mlflow';
import { getRegistryModelVersion, listModelVersions, type RegistryModelVersion } from '../../../shared/api/unityCatalogModels';
import type { DatabricksClient } from '../../../shared/client/databricksClient';
import { isNotFound } from '../../../shared/client/errors';
import { collect } from '../../../shared/client/paginate';
import type { ModelSource } from './parameters';
import { message } from './messages';

type RunSource = Extract<ModelSource, { kind: 'run' }>;

export async function resolveRun(client: DatabricksClient, source: RunSource): Promise<RunWithOrigin> {
  const runId = source.runId ?? (await findNewestFinishedRun(client, source.experimentName!, source.runFilter));
  let found: RunWithOrigin;
  try {
    found = await getRun(client, runId);
  } catch (error) {
    if (isNotFound(error)) throw new Error(message('RunMissing', runId));
    throw error;
  }
  const status = found.run.info?.status;
  if (status !== 'FINISHED') {
    throw new Error(message('RunNotFinished', runId, status ?? message('UnknownState')));
  }
  return found;
}

/** A logged model's source run with its org id, or undefined when the run no longer exists. */
export async function readSourceRun(client: DatabricksClient, runId: string): Promise<RunWithOrigin | undefined> {
  try {
    return await getRun(client, runId);
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

async function findNewestFinishedRun(client: DatabricksClient, experimentName: string, runFilter: string | undefined): Promise<string> {
  const experiment = await getExperimentByName(client, experimentName);
  if (!experiment?.experiment_id) {
    throw new Error(message('ExperimentMissing', experimentName));
  }
  const search = (filter: string | undefined) =>
    collect(searchRuns(client, { experiment_ids: [experiment.experiment_id!], filter, order_by: ['attributes.start_time DESC'], max_results: 1 }), 1);
  const finishedFilter = [runFilter, "attributes.status = 'FINISHED'"].filter((f) => f !== undefined).join(' and ');
  const [newest] = await search(finishedFilter);
  if (newest?.info?.run_id) return newest.info.run_id;
  // Say why: nothing matches at all, or only runs that have not finished.
  const [any] = await search(runFilter);
  const filterText = runFilter ? ` ${message('MatchingFilter', runFilter)}` : '';
  if (any?.info?.run_id) {
    throw new Error(message('NewestRunNotFinished', filterText, experimentName, any.info.run_id, any.info.status ?? ''));
  }
  throw new Error(message('NoRun', filterText, experimentName));
}

/** The version to promote in existingVersion mode: the given number or the newest, which must be READY. */
export async function resolveExistingVersion(client: DatabricksClient, modelName: string, wanted: number | 'latest'): Promise<RegistryModelVersion> {
  let number = wanted;
  if (number === 'latest') {
    const versions = await collect(listModelVersions(client, modelName));
    const newest = versions.reduce<number | undefined>((max, v) => (v.version !== undefined && (max === undefined || v.version > max) ? v.version : max), undefined);
    if (newest === undefined) throw new Error(message('NoVersions', modelName));
    number = newest;
  }
  let version: RegistryModelVersion;
  try {
    version = await getRegistryModelVersion(client, modelName, String(number));
  } catch (error) {
    if (isNotFound(error)) throw new Error(message('VersionMissing', number, modelName));
    throw error;
  }
  if (version.status !== 'READY') {
    const why = version.status_message ? ` (${version.status_message})` : '';
    throw new Error(message('VersionNotReady', number, modelName, version.status ?? message('UnknownState'), why));
  }
  return version;
}

/** The latest value of a metric on a run, or undefined. */
export function metricOf(run: Run | undefined, key: string): number | undefined {
  const metric = run?.data?.metrics?.find((m) => m.key === key);
  return typeof metric?.value === 'number' ? metric.value : undefined;
}
