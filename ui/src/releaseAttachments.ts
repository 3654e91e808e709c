/**
 * Reads the tasks' JSON report attachments of one stage (environment) of a classic release
 * through a ReleaseRestClient-like object. Kept free of the SDK so it runs (and is tested) in Node
 * as well as in the browser; the reports are parsed and sorted exactly as for a build
 * (attachments.ts), and rendered by the same page (app.ts).
 *
 * Call sequence (azure-devops-extension-api Release/ReleaseClient, the Cucumber and
 * Terraform-report extensions' release tabs): getRelease → the stage's latest deploy step
 * (attempt) → each deploy phase's runPlanId → getReleaseTaskAttachments(…, planId, type) →
 * getReleaseTaskAttachmentContent(…, planId, timelineId, recordId, type, name). The plan-keyed pair
 * is used, not the older getTaskAttachments, which takes a timeline id.
 */
import { loadEntry, newestFirst, REPORT_ATTACHMENT_TYPE } from './attachments';
import type { LoadedReport } from './model';

/** The parts of a release the tab reads (Release/Release.d.ts `Release`, `ReleaseEnvironment`, `DeploymentAttempt`). */
export interface ReleaseLike {
  id: number;
  name?: string;
  environments?: Array<{
    id: number;
    name?: string;
    status?: number | string;
    deploySteps?: Array<{
      attempt: number;
      releaseDeployPhases?: Array<{ runPlanId?: string | null; name?: string }>;
    }>;
  }>;
}

/** The three calls of azure-devops-extension-api's ReleaseRestClient the tab needs. */
export interface ReleaseAttachmentsClient {
  getRelease(project: string, releaseId: number): Promise<ReleaseLike>;
  getReleaseTaskAttachments(
    project: string,
    releaseId: number,
    environmentId: number,
    attemptId: number,
    planId: string,
    type: string,
  ): Promise<Array<{ name: string; timelineId?: string; recordId?: string }>>;
  getReleaseTaskAttachmentContent(
    project: string,
    releaseId: number,
    environmentId: number,
    attemptId: number,
    planId: string,
    timelineId: string,
    recordId: string,
    type: string,
    name: string,
  ): Promise<ArrayBuffer>;
}

/** Which stage the tab shows: the host's `releaseEnvironment` (id = environment id). */
export interface StageReference {
  releaseId: number;
  id: number;
  name?: string;
}

export type StageReports = { state: 'not-deployed'; stageName: string } | { state: 'loaded'; stageName: string; attempt: number; reports: LoadedReport[] };

/**
 * The stage reference from what the host passed: the configuration's `releaseEnvironment`, or the
 * `updateContext` argument (`{ releaseEnvironment }`, or the environment itself). Undefined when
 * it does not name a release and a stage.
 */
export function stageReference(value: unknown): StageReference | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as Record<string, unknown>;
  if (typeof record.releaseEnvironment === 'object' && record.releaseEnvironment !== null) return stageReference(record.releaseEnvironment);
  const releaseId = Number(record.releaseId ?? (record.release as Record<string, unknown> | undefined)?.id);
  const id = Number(record.id);
  if (!Number.isInteger(releaseId) || releaseId <= 0 || !Number.isInteger(id) || id <= 0) return undefined;
  return { releaseId, id, name: typeof record.name === 'string' ? record.name : undefined };
}

/** Every report of the stage's latest deployment attempt, over all its phases (agent and server jobs). */
export async function loadStageReports(client: ReleaseAttachmentsClient, project: string, stage: StageReference): Promise<StageReports> {
  const release = await client.getRelease(project, stage.releaseId);
  const environment = (release.environments ?? []).find((e) => e.id === stage.id);
  if (!environment) throw new Error(`Release ${release.name ?? stage.releaseId} has no stage with id ${stage.id}.`);
  const stageName = environment.name ?? stage.name ?? `stage ${stage.id}`;
  const steps = environment.deploySteps ?? [];
  if (steps.length === 0) return { state: 'not-deployed', stageName };
  // The latest attempt (a redeploy adds one); the list is in attempt order, but do not rely on it.
  const step = steps.reduce((latest, s) => (s.attempt > latest.attempt ? s : latest));
  const plans = [...new Set((step.releaseDeployPhases ?? []).map((p) => p.runPlanId).filter((id): id is string => typeof id === 'string' && id.length > 0))];
  const perPlan = await Promise.all(
    plans.map(async (planId) => {
      const attachments = await client.getReleaseTaskAttachments(project, stage.releaseId, stage.id, step.attempt, planId, REPORT_ATTACHMENT_TYPE);
      return Promise.all(
        attachments.map((a): Promise<LoadedReport> => {
          const source = { name: a.name, timelineId: a.timelineId, recordId: a.recordId };
          if (!a.timelineId || !a.recordId) {
            return Promise.resolve({ ok: false, source, error: 'Cannot locate the attachment: the release API gave no timeline or record id.' });
          }
          const { timelineId, recordId } = a;
          return loadEntry(source, () =>
            client.getReleaseTaskAttachmentContent(project, stage.releaseId, stage.id, step.attempt, planId, timelineId, recordId, REPORT_ATTACHMENT_TYPE, a.name),
          );
        }),
      );
    }),
  );
  return { state: 'loaded', stageName, attempt: step.attempt, reports: newestFirst(perPlan.flat()) };
}

/**
 * The `registeredObjectId` of the release-stage tab contribution (vss-extension.json): the host
 * calls `updateContext` on the object registered under it when the shown stage changes.
 */
export const RELEASE_TAB_OBJECT_ID = 'registerRelease';
