/**
 * Browser script of a fake Azure DevOps host page: it frames the production bundle of the tab
 * (ui/dist) and answers its azure-devops-extension-sdk calls over postMessage the way the host
 * does (the SDK's XDM protocol: JSON messages {id, instanceId, methodName, params}, functions
 * passed as {__proxyFunctionId}). Query: `reports` (the attachments the fake REST API lists),
 * `via=config|service` (build id through the configuration's onBuildChanged or the build page
 * data service), `theme=dark` (dark palette in the handshake).
 * `host=release&release=<id>&stage=<environment id>` plays the classic release-stage tab instead:
 * the configuration carries `releaseEnvironment`, the Release API lives under its own resource
 * area root (`/vsrm/`, like vsrm.dev.azure.com), and `window.showStage(id)` calls the tab's
 * registered `updateContext` as the host does when the shown stage changes.
 */
import { FAKE_HOST_BUILD_ID, FAKE_HOST_PROJECT, FAKE_HOST_TOKEN } from './constants';
import { RELEASE_AREA_ID, RELEASES } from './release';

interface RpcMessage {
  id: number;
  instanceId?: string;
  methodName?: string;
  params?: unknown[];
  handshakeToken?: string;
  result?: unknown;
}

const query = new URLSearchParams(location.search);
const frame = document.querySelector('iframe') as HTMLIFrameElement;
const log: Array<{ instanceId?: string; methodName?: string; params?: unknown[] }> = [];
const hostWindow = window as unknown as {
  hostLog: typeof log;
  loadSucceeded?: boolean;
  loadFailed?: unknown;
  lastResize?: unknown[];
  showStage?: (id: number) => void;
};
hostWindow.hostLog = log;

let token: string | undefined;
let nextId = 1_000_000;
const BUILD_PAGE_DATA_FN = 1;
const RESOURCE_AREA_FN = 2;
const SERVICE_LOCATION_FN = 3;
const ON_BUILD_CHANGED_FN = 4;

function post(message: object): void {
  frame.contentWindow?.postMessage(JSON.stringify({ ...message, handshakeToken: token }), '*');
}

const proxy = (id: number): object => ({ __proxyFunctionId: id, _channelId: 1 });
const palette =
  query.get('theme') === 'dark'
    ? { 'palette-neutral-0': '30, 30, 30', 'palette-neutral-2': '22, 22, 22', 'palette-neutral-100': '255, 255, 255', 'text-primary-color': 'rgba(255, 255, 255, .9)' }
    : { 'palette-neutral-0': '255, 255, 255', 'palette-neutral-2': '248, 248, 248', 'palette-neutral-100': '0, 0, 0', 'text-primary-color': 'rgba(0, 0, 0, .9)' };
// The REST root carries the attachment list so the harness server knows what to list.
const restRoot = `${location.origin}/api/${encodeURIComponent(query.get('reports') ?? '')}/`;
const releaseRoot = `${location.origin}/vsrm/`;
const releaseHost = query.get('host') === 'release';
const release = RELEASES.find((r) => r.id === Number(query.get('release')));
const environment = (id: number): object | undefined => release?.environments.find((e) => e.id === id);

function initialConfig(): object {
  if (releaseHost) return { releaseEnvironment: environment(Number(query.get('stage'))) };
  return query.get('via') === 'config' ? { onBuildChanged: proxy(ON_BUILD_CHANGED_FN) } : {};
}

function answer(message: RpcMessage): unknown {
  const key = `${message.instanceId}:${message.methodName}`;
  switch (key) {
    case 'DevOps.HostControl:initialHandshake':
      return {
        contributionId: releaseHost ? 'databricks-mlops.databricks-mlops.databricks-mlops-release-results' : 'databricks-mlops.databricks-mlops.databricks-mlops-results',
        context: {
          extension: { publisherId: 'databricks-mlops', extensionId: 'databricks-mlops', id: 'databricks-mlops.databricks-mlops', version: '1.0.0' },
          user: { id: 'u1', name: 'Ada', displayName: 'Ada Lovelace', descriptor: 'aad.x', imageUrl: '' },
          host: { id: 'h1', name: 'contoso', serviceVersion: 'fake', type: 4, isHosted: true },
          pageContext: { webContext: { project: { id: FAKE_HOST_PROJECT, name: 'Fabrikam' }, team: { id: 't1', name: 'Fabrikam Team' } } },
        },
        initialConfig: initialConfig(),
        themeData: palette,
      };
    case 'DevOps.ServiceManager:getService': {
      const service = message.params?.[0];
      if (service === 'ms.vss-build-web.build-page-data-service') return { getBuildPageData: proxy(BUILD_PAGE_DATA_FN) };
      if (service === 'ms.vss-features.location-service') return { getResourceAreaLocation: proxy(RESOURCE_AREA_FN), getServiceLocation: proxy(SERVICE_LOCATION_FN) };
      throw new Error(`no service ${String(service)}`);
    }
    case `__proxyFunctions:proxy${BUILD_PAGE_DATA_FN}`:
      return { build: { id: FAKE_HOST_BUILD_ID, buildNumber: '20250602.1' } };
    case `__proxyFunctions:proxy${RESOURCE_AREA_FN}`:
      return message.params?.[0] === RELEASE_AREA_ID ? releaseRoot : restRoot;
    case `__proxyFunctions:proxy${SERVICE_LOCATION_FN}`:
      return restRoot;
    case `__proxyFunctions:proxy${ON_BUILD_CHANGED_FN}`: {
      // The tab registered its listener: call it back with the build, as the host does.
      const listener = message.params?.[0] as { __proxyFunctionId: number };
      setTimeout(() => post({ id: nextId++, instanceId: '__proxyFunctions', methodName: `proxy${listener.__proxyFunctionId}`, params: [{ id: FAKE_HOST_BUILD_ID }] }), 0);
      return undefined;
    }
    case 'DevOps.HostControl:getAccessToken':
      return { token: FAKE_HOST_TOKEN };
    case 'DevOps.HostControl:notifyLoadSucceeded':
      hostWindow.loadSucceeded = true;
      return undefined;
    case 'DevOps.HostControl:notifyLoadFailed':
      hostWindow.loadFailed = message.params?.[0];
      return undefined;
    case 'DevOps.HostControl:resize':
      hostWindow.lastResize = message.params;
      return undefined;
    default:
      throw new Error(`fake host: unexpected call ${key}`);
  }
}

window.addEventListener('message', (event) => {
  if (event.source !== frame.contentWindow || typeof event.data !== 'string') return;
  const message = JSON.parse(event.data) as RpcMessage;
  if (message.handshakeToken) token = message.handshakeToken;
  if (!message.instanceId) return; // the tab's answer to a call of ours
  log.push({ instanceId: message.instanceId, methodName: message.methodName, params: message.params });
  try {
    post({ id: message.id, result: answer(message) });
  } catch (error) {
    post({ id: message.id, error: { message: error instanceof Error ? error.message : String(error) } });
  }
});
// The host telling the release-stage tab that another stage (or a new attempt) is shown.
hostWindow.showStage = (id: number): void => {
  post({ id: nextId++, instanceId: 'registerRelease', methodName: 'updateContext', params: [{ releaseEnvironment: environment(id) }] });
};
frame.src = '/tab/index.html';
