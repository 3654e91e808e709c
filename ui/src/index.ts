/**
 * Entry of the results tab inside Azure DevOps: the thin adapter between the host (SDK
 * handshake, current build or release stage, REST client) and the SDK-free loading and rendering
 * modules. One page serves both contributions: the build-results tab (the configuration's
 * `onBuildChanged`, or the build page data service) and the classic release-stage tab (the
 * configuration's `releaseEnvironment`, updates through `updateContext` on the registered object;
 * MicrosoftDocs "New release progress views", as the Cucumber and Terraform-report extensions do).
 */
import * as SDK from 'azure-devops-extension-sdk';
import type { BuildReference } from 'azure-devops-extension-api/Build/Build';
import { BuildRestClient } from 'azure-devops-extension-api/Build/BuildClient';
import type { IBuildPageDataService } from 'azure-devops-extension-api/Build/BuildServices';
import { BuildServiceIds } from 'azure-devops-extension-api/Build/BuildServices';
import { getClient } from 'azure-devops-extension-api/Common/Client';
import { ReleaseRestClient } from 'azure-devops-extension-api/Release/ReleaseClient';

import { renderError, renderLoading, renderReports, renderStage } from './app';
import { loadReports } from './attachments';
import type { StageReference } from './releaseAttachments';
import { loadStageReports, RELEASE_TAB_OBJECT_ID, stageReference } from './releaseAttachments';
import { applyColorScheme } from './theme';

type BuildListener = (build: BuildReference) => void;

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The current build. Build-results tabs receive it through the contribution configuration's
 * `onBuildChanged` (which also fires when the user moves to another run); the build page data
 * service is the fallback for hosts that do not pass it.
 */
async function watchBuild(onBuild: (buildId: number) => void): Promise<void> {
  const configuration = SDK.getConfiguration() as { onBuildChanged?: (listener: BuildListener) => void };
  if (typeof configuration.onBuildChanged === 'function') {
    configuration.onBuildChanged((build) => onBuild(build.id));
    return;
  }
  const pageData = await SDK.getService<IBuildPageDataService>(BuildServiceIds.BuildPageDataService);
  // Typed as synchronous, but over the host channel the call returns a promise
  // (microsoft/azure-devops-extension-api#36); awaiting covers both.
  const buildId = (await pageData.getBuildPageData())?.build?.id;
  if (buildId == null) throw new Error('The page did not say which build is shown.');
  onBuild(buildId);
}

async function main(): Promise<void> {
  const root = document.getElementById('app');
  if (!root) return;
  // The release-stage host calls updateContext on this object when the stage changes (e.g. a
  // redeploy); registered before the handshake so no early call is lost.
  let onStage: ((stage: StageReference) => void) | undefined;
  let pendingStage: StageReference | undefined;
  SDK.register(RELEASE_TAB_OBJECT_ID, {
    updateContext(context: unknown): void {
      const stage = stageReference(context);
      if (!stage) return;
      if (onStage) onStage(stage);
      else pendingStage = stage;
    },
    isInvisible: (): boolean => false,
    isDisabled: (): boolean => false,
  });
  await SDK.init({ loaded: false, applyTheme: true });
  await SDK.ready();
  // The host re-applies its palette when the user switches theme.
  window.addEventListener('themeApplied', () => applyColorScheme());
  renderLoading(root);
  // The host sizes the tab's iframe from what the extension reports.
  new ResizeObserver(() => SDK.resize()).observe(document.body);

  const project = SDK.getWebContext().project.id;
  let notified = false;
  // When the user switches runs while a load is in flight, only the latest load may render.
  let latest = 0;
  const show = async (load: () => Promise<() => void>): Promise<void> => {
    const ticket = ++latest;
    renderLoading(root);
    try {
      const paint = await load();
      if (ticket !== latest) return;
      paint();
      if (!notified) await SDK.notifyLoadSucceeded();
    } catch (error) {
      if (ticket !== latest) return;
      renderError(root, errorMessage(error));
      if (!notified) await SDK.notifyLoadFailed(errorMessage(error));
    }
    notified = true;
  };
  try {
    const configuration = SDK.getConfiguration() as { releaseEnvironment?: unknown };
    if (typeof configuration.releaseEnvironment === 'object' && configuration.releaseEnvironment !== null) {
      const client = getClient(ReleaseRestClient);
      onStage = (stage) =>
        void show(async () => {
          const reports = await loadStageReports(client, project, stage);
          return () => renderStage(root, reports);
        });
      const stage = pendingStage ?? stageReference(configuration.releaseEnvironment);
      if (!stage) throw new Error('The release page did not say which release and stage are shown.');
      onStage(stage);
      return;
    }
    const client = getClient(BuildRestClient);
    await watchBuild(
      (buildId) =>
        void show(async () => {
          const reports = await loadReports(client, project, buildId);
          return () => renderReports(root, reports);
        }),
    );
  } catch (error) {
    renderError(root, errorMessage(error));
    await SDK.notifyLoadFailed(errorMessage(error));
  }
}

void main();
