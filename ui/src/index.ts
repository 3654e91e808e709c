/**
 * Entry of the build-results tab inside Azure DevOps: the thin adapter between the host (SDK
 * handshake, current build, REST client) and the SDK-free loading and rendering modules.
 */
import * as SDK from 'azure-devops-extension-sdk';
import type { BuildReference } from 'azure-devops-extension-api/Build/Build';
import { BuildRestClient } from 'azure-devops-extension-api/Build/BuildClient';
import type { IBuildPageDataService } from 'azure-devops-extension-api/Build/BuildServices';
import { BuildServiceIds } from 'azure-devops-extension-api/Build/BuildServices';
import { getClient } from 'azure-devops-extension-api/Common/Client';

import { renderError, renderLoading, renderReports } from './app';
import { loadReports } from './attachments';
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
  await SDK.init({ loaded: false, applyTheme: true });
  await SDK.ready();
  // The host re-applies its palette when the user switches theme.
  window.addEventListener('themeApplied', () => applyColorScheme());
  renderLoading(root);
  // The host sizes the tab's iframe from what the extension reports.
  new ResizeObserver(() => SDK.resize()).observe(document.body);

  const project = SDK.getWebContext().project.id;
  const client = getClient(BuildRestClient);
  let notified = false;
  // When the user switches runs while a load is in flight, only the latest load may render.
  let latest = 0;
  const show = async (buildId: number): Promise<void> => {
    const ticket = ++latest;
    renderLoading(root);
    try {
      const reports = await loadReports(client, project, buildId);
      if (ticket !== latest) return;
      renderReports(root, reports);
      if (!notified) await SDK.notifyLoadSucceeded();
    } catch (error) {
      if (ticket !== latest) return;
      renderError(root, errorMessage(error));
      if (!notified) await SDK.notifyLoadFailed(errorMessage(error));
    }
    notified = true;
  };
  try {
    await watchBuild((buildId) => void show(buildId));
  } catch (error) {
    renderError(root, errorMessage(error));
    await SDK.notifyLoadFailed(errorMessage(error));
  }
}

void main();
