/**
 * The harness server for the results-tab tests, on 127.0.0.1 with a random port:
 * - `/`: the tab's page shell (ui/index.html) with the harness bundle in place of the SDK entry,
 *   the real stylesheet, and the report fixtures (plus generated ones that cannot be .json files);
 * - `/host.html`: a fake Azure DevOps host framing the production bundle (`/tab/`, built by
 *   ui/build.mjs into `tabDir`), with the build REST API the bundle calls under `/api/`.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:http';
import { extname, join } from 'node:path';
import { build } from 'esbuild';

import { repoRoot } from '../../helpers/repo';
import { FAKE_HOST_TOKEN } from './constants';
import { RELEASE_ATTACHMENTS, RELEASE_TIMELINE_ID, RELEASES, releaseRecordId } from './release';

export interface ApiRequest {
  method: string;
  path: string;
  accept: string;
  authorization: string;
}

export interface Harness {
  url: string;
  /** The REST calls the framed production bundle made, in order. */
  apiRequests: ApiRequest[];
  close(): Promise<void>;
}

/** Attachments the fixtures folder cannot hold: a truncated JSON file and a non-report. */
export const GENERATED_FIXTURES: Record<string, string> = {
  'truncated.json': '{\n  "kind": "deployment",\n  "task": "DatabricksDeployServing",\n  "data": {\n    "endpointName": "churn-',
  'not-a-report.json': '["just", "an", "array"]',
};

async function bundle(root: string, entry: string): Promise<string> {
  const result = await build({
    entryPoints: [join(root, 'tests', 'ui', 'harness', entry)],
    bundle: true,
    write: false,
    platform: 'browser',
    format: 'iife',
    target: 'chrome109',
    logLevel: 'silent',
  });
  return result.outputFiles[0].text;
}

const CONTENT_TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8' };
const HOST_PAGE =
  '<!DOCTYPE html><html><head><meta charset="utf-8"><title>Fake host</title>' +
  '<style>body{margin:0}iframe{border:0;width:100%;height:100vh;display:block}</style></head>' +
  '<body><iframe title="Databricks MLOps"></iframe><script src="/fake-host.js"></script></body></html>';
const GUID = '[0-9a-fA-F-]{36}';
const LIST_ROUTE = new RegExp(`^/api/([^/]*)/(${GUID})/_apis/build/builds/(\\d+)/attachments/([^/]+)$`);
// The Release API (ReleaseRestClient, under the release resource area's root `/vsrm/`).
const RELEASE_ROUTE = new RegExp(`^/vsrm/(${GUID})/_apis/Release/releases/(\\d+)$`);
const RELEASE_LIST_ROUTE = new RegExp(`^/vsrm/(${GUID})/_apis/Release/releases/(\\d+)/environments/(\\d+)/attempts/(\\d+)/plan/(${GUID})/attachments/([^/]+)$`);
const RELEASE_GET_ROUTE = new RegExp(
  `^/vsrm/(${GUID})/_apis/Release/releases/(\\d+)/environments/(\\d+)/attempts/(\\d+)/plan/(${GUID})/timelines/(${GUID})/records/(${GUID})/attachments/([^/]+)/([^/]+)$`,
);
const GET_ROUTE = new RegExp(`^/api/([^/]*)/(${GUID})/_apis/build/builds/(\\d+)/(${GUID})/(${GUID})/attachments/([^/]+)/([^/]+)$`);

export async function startHarness(tabDir?: string): Promise<Harness> {
  const root = repoRoot();
  const script = await bundle(root, 'entry.ts');
  const hostScript = await bundle(root, 'fakeHost.ts');
  const apiRequests: ApiRequest[] = [];
  const shell = readFileSync(join(root, 'ui', 'index.html'), 'utf8');
  const page = shell.replace('src="index.js"', 'src="harness.js"');
  if (page === shell) throw new Error('ui/index.html no longer loads index.js: update the harness');
  const css = readFileSync(join(root, 'ui', 'src', 'styles.css'), 'utf8');
  const fixtures = join(root, 'tests', 'ui', 'fixtures');

  const readFixture = (name: string): string | Buffer | undefined =>
    GENERATED_FIXTURES[name] ?? (/^[\w.-]+\.json$/.test(name) && existsSync(join(fixtures, name)) ? readFileSync(join(fixtures, name)) : undefined);

  const server = createServer((request, response) => {
    const rawPath = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    const path = decodeURIComponent(rawPath);
    const send = (status: number, type: string, body: string | Buffer): void => {
      response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      response.end(body);
    };
    if (rawPath.startsWith('/vsrm/')) {
      apiRequests.push({ method: request.method ?? '', path: rawPath, accept: request.headers.accept ?? '', authorization: request.headers.authorization ?? '' });
      if (request.headers.authorization !== `Bearer ${FAKE_HOST_TOKEN}`) return send(401, 'application/json', '{"message":"unauthorized"}');
      const notFound = (): void => send(404, 'application/json', '{"message":"not found"}');
      const release = RELEASE_ROUTE.exec(rawPath);
      if (release) {
        const found = RELEASES.find((r) => r.id === Number(release[2]));
        return found ? send(200, 'application/json', JSON.stringify(found)) : notFound();
      }
      const list = RELEASE_LIST_ROUTE.exec(rawPath);
      if (list) {
        const names = RELEASE_ATTACHMENTS[`${list[2]}/${list[3]}/${list[4]}/${list[5]}`];
        if (!names || list[6] !== 'databricks-mlops-report') return notFound();
        return send(
          200,
          'application/json',
          JSON.stringify(
            names.map((name, index) => ({
              name,
              type: list[6],
              timelineId: RELEASE_TIMELINE_ID,
              recordId: releaseRecordId(index),
              createdOn: '2025-05-27T09:00:00Z',
              modifiedOn: '2025-05-27T09:00:00Z',
            })),
          ),
        );
      }
      const get = RELEASE_GET_ROUTE.exec(rawPath);
      if (get) {
        const name = decodeURIComponent(get[9]);
        const names = RELEASE_ATTACHMENTS[`${get[2]}/${get[3]}/${get[4]}/${get[5]}`] ?? [];
        const body = get[6] === RELEASE_TIMELINE_ID && get[7] === releaseRecordId(names.indexOf(name)) ? readFixture(name) : undefined;
        return body != null ? send(200, 'application/octet-stream', body) : notFound();
      }
      return notFound();
    }
    if (rawPath.startsWith('/api/')) {
      apiRequests.push({ method: request.method ?? '', path: rawPath, accept: request.headers.accept ?? '', authorization: request.headers.authorization ?? '' });
      if (request.headers.authorization !== `Bearer ${FAKE_HOST_TOKEN}`) return send(401, 'application/json', '{"message":"unauthorized"}');
      const segments = rawPath.split('/').map(decodeURIComponent);
      const list = LIST_ROUTE.exec(rawPath);
      if (list) {
        const names = segments[2].split(',').filter((name) => name.length > 0);
        const origin = `http://${request.headers.host}`;
        return send(
          200,
          'application/json',
          JSON.stringify(
            names.map((name, index) => ({
              name,
              _links: {
                self: {
                  href: `${origin}/api/${segments[2]}/${list[2]}/_apis/build/builds/${list[3]}/0c4e3b1f-7e3d-4a5c-9a51-6f0a2d1e9b77/a1b2c3d4-0000-4000-8000-${String(index).padStart(12, '0')}/attachments/${list[4]}/${encodeURIComponent(name)}`,
                },
              },
            })),
          ),
        );
      }
      const get = GET_ROUTE.exec(rawPath);
      const body = get ? readFixture(segments[segments.length - 1]) : undefined;
      return body != null ? send(200, 'application/octet-stream', body) : send(404, 'application/json', '{"message":"not found"}');
    }
    if (path === '/host.html') return send(200, 'text/html; charset=utf-8', HOST_PAGE);
    if (path === '/fake-host.js') return send(200, 'text/javascript; charset=utf-8', hostScript);
    if (tabDir && /^\/tab\/[\w.-]+$/.test(path) && existsSync(join(tabDir, path.slice(5)))) {
      return send(200, CONTENT_TYPES[extname(path)] ?? 'application/octet-stream', readFileSync(join(tabDir, path.slice(5))));
    }
    if (path === '/' || path === '/index.html') return send(200, 'text/html; charset=utf-8', page);
    if (path === '/harness.js') return send(200, 'text/javascript; charset=utf-8', script);
    if (path === '/index.css') return send(200, 'text/css; charset=utf-8', css);
    const fixture = /^\/fixtures\/(.+)$/.exec(path)?.[1];
    const body = fixture ? readFixture(fixture) : undefined;
    return body != null ? send(200, 'application/octet-stream', body) : send(404, 'text/plain', 'not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    apiRequests,
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}
