/**
 * The tab's attachment adapter in Node against a fake BuildRestClient: locating attachments from
 * their links, downloading and parsing each, and keeping one bad attachment from hiding the rest.
 */
import { strict as assert } from 'node:assert';

import { REPORT_ATTACHMENT_TYPE as TASK_ATTACHMENT_TYPE } from '../../shared/runtime/report';
import type { BuildAttachmentsClient } from '../../ui/src/attachments';
import { loadReports, parseAttachmentLocation, parseReport, REPORT_ATTACHMENT_TYPE } from '../../ui/src/attachments';

const PROJECT = 'f3a0c6a2-2b4e-4f57-9d0b-1c2e3f4a5b6c';
const BUILD = 981;
const TIMELINE = '0c4e3b1f-7e3d-4a5c-9a51-6f0a2d1e9b77';
const RECORDS = ['1f9d1a52-5d2e-5e4b-a0a3-d6b9e0a1c2f4', '2e7c8b63-6e3f-5f5c-b1b4-e7c0f1b2d3e5', '3d6b7a74-7f40-4a6d-82c5-f8d1a2c3e4f6'];

function href(record: string, name: string, prefix = `https://dev.azure.com/contoso/${PROJECT}`): string {
  return `${prefix}/_apis/build/builds/${BUILD}/${TIMELINE}/${record}/attachments/${REPORT_ATTACHMENT_TYPE}/${encodeURIComponent(name)}`;
}

function report(task: string, finishedAt: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { kind: 'deployment', task, version: 1, result: 'Succeeded', message: 'ok', startedAt: finishedAt, finishedAt, data: { endpointName: task }, ...extra };
}

interface Call {
  project: string;
  buildId: number;
  timelineId: string;
  recordId: string;
  type: string;
  name: string;
}

/** A BuildRestClient stand-in: attachments listed with their links, bodies served as ArrayBuffers. */
function fakeClient(attachments: Array<{ name: string; _links?: unknown; body?: string | Error }>): BuildAttachmentsClient & { calls: Call[]; listed: unknown[] } {
  const calls: Call[] = [];
  const listed: unknown[] = [];
  return {
    calls,
    listed,
    async getAttachments(project, buildId, type) {
      listed.push({ project, buildId, type });
      return attachments.map(({ name, _links }) => ({ name, _links }));
    },
    async getAttachment(project, buildId, timelineId, recordId, type, name) {
      calls.push({ project, buildId, timelineId, recordId, type, name });
      const body = attachments.find((a) => a.name === name)?.body;
      if (body instanceof Error) throw body;
      const bytes = new TextEncoder().encode(body ?? '');
      return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    },
  };
}

describe('results tab: attachments', () => {
  it('uses the attachment type the tasks write', () => {
    assert.equal(REPORT_ATTACHMENT_TYPE, TASK_ATTACHMENT_TYPE);
  });

  describe('parseAttachmentLocation', () => {
    it('finds the timeline and record ids on Azure DevOps Services', () => {
      assert.deepEqual(parseAttachmentLocation(href(RECORDS[0], 'DatabricksDeployServing-1.json')), { timelineId: TIMELINE, recordId: RECORDS[0] });
    });

    it('does not depend on the position of the segments (Server collections, visualstudio.com, vanity paths)', () => {
      for (const prefix of [
        `https://tfs.contoso.local/tfs/DefaultCollection/${PROJECT}`,
        `https://contoso.visualstudio.com/${PROJECT}`,
        `https://ado.contoso.com/a/b/c/DefaultCollection/${PROJECT}`,
        '',
      ]) {
        assert.deepEqual(parseAttachmentLocation(href(RECORDS[1], 'r.json', prefix)), { timelineId: TIMELINE, recordId: RECORDS[1] }, prefix);
      }
    });

    it('accepts upper-case GUIDs, query strings, fragments and names that look like segments', () => {
      const upper = `https://dev.azure.com/o/p/_apis/build/builds/3/${TIMELINE.toUpperCase()}/${RECORDS[2].toUpperCase()}/attachments/t/n.json?api-version=7.1#x`;
      assert.deepEqual(parseAttachmentLocation(upper), { timelineId: TIMELINE.toUpperCase(), recordId: RECORDS[2].toUpperCase() });
      const tricky = href(RECORDS[0], `attachments/${TIMELINE}/${RECORDS[1]}/attachments`);
      assert.deepEqual(parseAttachmentLocation(tricky), { timelineId: TIMELINE, recordId: RECORDS[0] });
    });

    it('returns undefined for links without the two ids', () => {
      for (const bad of [
        '',
        'not a url at all ::',
        `https://dev.azure.com/o/p/_apis/build/builds/3/attachments/t/n`,
        `https://dev.azure.com/o/p/_apis/build/builds/3/${TIMELINE}/attachments/t/n`,
        `https://dev.azure.com/o/p/_apis/build/builds/3/${TIMELINE}/not-a-guid/attachments/t/n`,
      ]) {
        assert.equal(parseAttachmentLocation(bad), undefined, bad);
      }
    });
  });

  describe('parseReport', () => {
    it('parses UTF-8 with or without a byte order mark', () => {
      const text = JSON.stringify(report('Déploiement ✓', '2025-01-01T00:00:00Z'));
      assert.equal(parseReport(new TextEncoder().encode(text)).task, 'Déploiement ✓');
      assert.equal(parseReport(new TextEncoder().encode(`\uFEFF${text}`)).task, 'Déploiement ✓');
    });

    it('says why an attachment is not a report', () => {
      const encode = (s: string): Uint8Array => new TextEncoder().encode(s);
      assert.throws(() => parseReport(encode('{"kind": "drift", ')), /not valid JSON/);
      assert.throws(() => parseReport(encode('[1, 2]')), /expected a JSON object/);
      assert.throws(() => parseReport(encode('{"kind": "drift", "data": {}}')), /task, result missing/);
      assert.throws(() => parseReport(encode('{"kind": "drift", "task": "t", "result": "Failed"}')), /no data/);
    });
  });

  describe('loadReports', () => {
    it('downloads every attachment with the ids from its link and returns the reports newest first', async () => {
      const client = fakeClient([
        { name: 'register.json', _links: { self: { href: href(RECORDS[0], 'register.json') } }, body: JSON.stringify(report('register', '2025-05-26T09:04:40Z')) },
        { name: 'drift.json', _links: { self: { href: href(RECORDS[1], 'drift.json') } }, body: JSON.stringify(report('drift', '2025-06-02T06:07:41Z')) },
        { name: 'deploy.json', _links: { self: { href: href(RECORDS[2], 'deploy.json') } }, body: JSON.stringify(report('deploy', '2025-05-26T09:09:31Z')) },
      ]);
      const reports = await loadReports(client, PROJECT, BUILD);
      assert.deepEqual(client.listed, [{ project: PROJECT, buildId: BUILD, type: REPORT_ATTACHMENT_TYPE }]);
      assert.deepEqual(
        client.calls.map((c) => [c.project, c.buildId, c.timelineId, c.recordId, c.type, c.name]),
        [
          [PROJECT, BUILD, TIMELINE, RECORDS[0], REPORT_ATTACHMENT_TYPE, 'register.json'],
          [PROJECT, BUILD, TIMELINE, RECORDS[1], REPORT_ATTACHMENT_TYPE, 'drift.json'],
          [PROJECT, BUILD, TIMELINE, RECORDS[2], REPORT_ATTACHMENT_TYPE, 'deploy.json'],
        ],
      );
      assert.deepEqual(
        reports.map((r) => (r.ok ? r.report.task : r.error)),
        ['drift', 'deploy', 'register'],
      );
      assert.deepEqual(reports[0].source, { name: 'drift.json', timelineId: TIMELINE, recordId: RECORDS[1] });
    });

    it('turns each bad attachment into an error entry after the readable reports', async () => {
      const client = fakeClient([
        { name: 'broken.json', _links: { self: { href: href(RECORDS[0], 'broken.json') } }, body: '{"kind": "deployment", "task": ' },
        { name: 'unlinked.json', _links: {}, body: JSON.stringify(report('unlinked', '2025-01-01T00:00:00Z')) },
        { name: 'good.json', _links: { self: { href: href(RECORDS[1], 'good.json') } }, body: JSON.stringify(report('good', '2025-01-01T00:00:00Z')) },
        { name: 'gone.json', _links: { self: { href: href(RECORDS[2], 'gone.json') } }, body: new Error('TF400714: attachment not found') },
        { name: 'weird-link.json', _links: { self: { href: 'https://dev.azure.com/o/p/_apis/build/builds/1/attachments' } } },
      ]);
      const reports = await loadReports(client, PROJECT, BUILD);
      assert.equal(reports[0].ok, true);
      assert.deepEqual(
        reports.slice(1).map((r) => r.source.name),
        ['broken.json', 'unlinked.json', 'gone.json', 'weird-link.json'],
      );
      const errors = reports.slice(1).map((r) => (r.ok ? '' : r.error));
      assert.match(errors[0], /^The attachment is not valid JSON \(.+\)\.$/);
      assert.equal(errors[1], 'Cannot locate the attachment: unexpected link (none).');
      assert.equal(errors[2], 'TF400714: attachment not found');
      assert.equal(errors[3], 'Cannot locate the attachment: unexpected link https://dev.azure.com/o/p/_apis/build/builds/1/attachments.');
      assert.deepEqual(
        client.calls.map((c) => c.name),
        ['broken.json', 'good.json', 'gone.json'],
        'attachments without ids are not requested',
      );
    });

    it('keeps reports of a kind it does not know (rendered generically) and orders reports without times last', async () => {
      const client = fakeClient([
        { name: 'old.json', _links: { self: { href: href(RECORDS[0], 'old.json') } }, body: JSON.stringify(report('old', 'not a date')) },
        { name: 'job.json', _links: { self: { href: href(RECORDS[1], 'job.json') } }, body: JSON.stringify(report('job', '2025-03-01T00:00:00Z', { kind: 'job-run' })) },
      ]);
      const reports = await loadReports(client, PROJECT, BUILD);
      assert.deepEqual(
        reports.map((r) => r.ok && [r.report.task, r.report.kind]),
        [
          ['job', 'job-run'],
          ['old', 'deployment'],
        ],
      );
    });

    it('returns nothing for a run without reports and lets a failing listing reject', async () => {
      assert.deepEqual(await loadReports(fakeClient([]), PROJECT, BUILD), []);
      const failing: BuildAttachmentsClient = {
        getAttachments: () => Promise.reject(new Error('TF400813: not authorized')),
        getAttachment: () => Promise.reject(new Error('unreachable')),
      };
      await assert.rejects(loadReports(failing, PROJECT, BUILD), /TF400813/);
    });
  });
});
