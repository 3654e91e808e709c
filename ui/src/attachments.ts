/**
 * Reads the tasks' JSON report attachments of a build through a BuildRestClient-like object.
 * Kept free of the SDK so it runs (and is tested) in Node as well as in the browser.
 */
import type { AttachmentSource, LoadedReport, TaskReport } from './model';

/** The attachment type the tasks write (shared/runtime/report.ts REPORT_ATTACHMENT_TYPE). */
export const REPORT_ATTACHMENT_TYPE = 'databricks-mlops-report';

/** The two calls of azure-devops-extension-api's BuildRestClient the tab needs. */
export interface BuildAttachmentsClient {
  getAttachments(project: string, buildId: number, type: string): Promise<Array<{ name: string; _links?: unknown }>>;
  getAttachment(project: string, buildId: number, timelineId: string, recordId: string, type: string, name: string): Promise<ArrayBuffer>;
}

export interface AttachmentLocation {
  timelineId: string;
  recordId: string;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Finds the timeline and record ids in an attachment's `_links.self.href`,
 * `…/_apis/build/builds/{buildId}/{timelineId}/{recordId}/attachments/{type}/{name}`. The prefix
 * differs between Azure DevOps Services (org, project), Server (collection) and vanity hosts, so
 * instead of a fixed position this looks for the `attachments` segment preceded by two GUIDs.
 */
export function parseAttachmentLocation(href: string): AttachmentLocation | undefined {
  let path: string;
  try {
    path = new URL(href, 'https://host.invalid/').pathname;
  } catch {
    return undefined;
  }
  const segments = path.split('/').filter((segment) => segment.length > 0);
  for (let i = 2; i < segments.length; i++) {
    if (segments[i].toLowerCase() !== 'attachments') continue;
    const [timelineId, recordId] = [segments[i - 2], segments[i - 1]];
    if (GUID.test(timelineId) && GUID.test(recordId)) return { timelineId, recordId };
  }
  return undefined;
}

function selfHref(links: unknown): string | undefined {
  if (typeof links !== 'object' || links === null) return undefined;
  const self = (links as Record<string, unknown>).self;
  if (typeof self !== 'object' || self === null) return undefined;
  const href = (self as Record<string, unknown>).href;
  return typeof href === 'string' ? href : undefined;
}

/** Decodes and checks one attachment's bytes; throws an Error whose message the tab shows. */
export function parseReport(bytes: ArrayBuffer | Uint8Array): TaskReport {
  const text = new TextDecoder('utf-8').decode(bytes).replace(/^\uFEFF/, '');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`The attachment is not valid JSON (${error instanceof Error ? error.message : String(error)}).`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error('The attachment is not a report: expected a JSON object.');
  }
  const record = value as Record<string, unknown>;
  const missing = ['kind', 'task', 'result'].filter((key) => typeof record[key] !== 'string');
  if (missing.length > 0) throw new Error(`The attachment is not a Databricks MLOps report: ${missing.join(', ')} missing.`);
  if (typeof record.data !== 'object' || record.data === null) throw new Error('The report has no data.');
  return value as TaskReport;
}

function time(entry: LoadedReport): number {
  if (!entry.ok) return Number.NEGATIVE_INFINITY;
  const t = Date.parse(entry.report.finishedAt ?? entry.report.startedAt);
  return Number.isFinite(t) ? t : Number.NEGATIVE_INFINITY;
}

/** Newest first (by finishedAt); unreadable entries last; ties keep their order. */
export function newestFirst(entries: LoadedReport[]): LoadedReport[] {
  return entries
    .map((entry, index) => ({ entry, index }))
    .sort((a, b) => time(b.entry) - time(a.entry) || a.index - b.index)
    .map(({ entry }) => entry);
}

/** Downloads and parses one attachment; a failure becomes an entry with the reason. Shared by the build and the release host. */
export async function loadEntry(source: AttachmentSource, download: () => Promise<ArrayBuffer>): Promise<LoadedReport> {
  try {
    return { ok: true, source, report: parseReport(await download()) };
  } catch (error) {
    return { ok: false, source, error: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * Every report of the build, newest first (by finishedAt); attachments that cannot be located,
 * downloaded or parsed come last, each with the reason, so one bad file never hides the others.
 */
export async function loadReports(client: BuildAttachmentsClient, project: string, buildId: number): Promise<LoadedReport[]> {
  const attachments = await client.getAttachments(project, buildId, REPORT_ATTACHMENT_TYPE);
  const entries = await Promise.all(
    attachments.map(async (attachment): Promise<LoadedReport> => {
      const source: AttachmentSource = { name: attachment.name };
      const href = selfHref(attachment._links);
      const location = href ? parseAttachmentLocation(href) : undefined;
      if (!location) return { ok: false, source, error: `Cannot locate the attachment: unexpected link ${href ?? '(none)'}.` };
      Object.assign(source, location);
      return loadEntry(source, () => client.getAttachment(project, buildId, location.timelineId, location.recordId, REPORT_ATTACHMENT_TYPE, attachment.name));
    }),
  );
  return newestFirst(entries);
}
