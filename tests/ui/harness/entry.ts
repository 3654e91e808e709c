/**
 * Browser entry of the test harness: the tab's real loading and rendering code, fed by a fake
 * BuildRestClient that lists the fixtures named in `?reports=a.json,b.json` as attachments of
 * one build and downloads them from the harness server as ArrayBuffers, like the REST client.
 */
import { renderError, renderLoading, renderReports } from '../../../ui/src/app';
import type { BuildAttachmentsClient } from '../../../ui/src/attachments';
import { loadReports } from '../../../ui/src/attachments';

export const HARNESS_PROJECT = '6ce954b1-ce1f-45d1-b94d-e6bf2464ba2c';
export const HARNESS_BUILD_ID = 4711;
const TIMELINE_ID = '0c4e3b1f-7e3d-4a5c-9a51-6f0a2d1e9b77';

function recordId(index: number): string {
  return `a1b2c3d4-0000-4000-8000-${String(index).padStart(12, '0')}`;
}

const names = (new URLSearchParams(location.search).get('reports') ?? '').split(',').filter((name) => name.length > 0);

const client: BuildAttachmentsClient = {
  async getAttachments(project, buildId, type) {
    return names.map((name, index) => ({
      name,
      _links: {
        self: { href: `${location.origin}/harness-org/${project}/_apis/build/builds/${buildId}/${TIMELINE_ID}/${recordId(index)}/attachments/${type}/${encodeURIComponent(name)}` },
      },
    }));
  },
  async getAttachment(project, buildId, timelineId, record, _type, name) {
    if (project !== HARNESS_PROJECT || buildId !== HARNESS_BUILD_ID || timelineId !== TIMELINE_ID || record !== recordId(names.indexOf(name))) {
      throw new Error(`unexpected attachment request ${project}/${buildId}/${timelineId}/${record}/${name}`);
    }
    const response = await fetch(`/fixtures/${encodeURIComponent(name)}`);
    if (!response.ok) throw new Error(`HTTP ${response.status} downloading ${name}`);
    return response.arrayBuffer();
  },
};

// `?hostTheme=dark` plays the host applying a dark theme: the SDK sets the palette as "r, g, b".
if (new URLSearchParams(location.search).get('hostTheme') === 'dark') {
  document.documentElement.style.setProperty('--palette-neutral-0', '30, 30, 30');
  document.documentElement.style.setProperty('--palette-neutral-2', '22, 22, 22');
  document.documentElement.style.setProperty('--palette-neutral-100', '255, 255, 255');
}

const root = document.getElementById('app');
if (root) {
  renderLoading(root);
  loadReports(client, HARNESS_PROJECT, HARNESS_BUILD_ID)
    .then((reports) => renderReports(root, reports))
    .catch((error: unknown) => renderError(root, error instanceof Error ? error.message : String(error)));
}
