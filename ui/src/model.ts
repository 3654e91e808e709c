/**
 * What the tab renders: one entry per report attachment, either a parsed report or the reason it
 * could not be read. The report types are the tasks' contract (shared/runtime), imported as types
 * only so nothing of the task runtime reaches the browser bundle.
 */
import type { TaskReport } from '../../shared/runtime/report';

export type { TaskReport };
export type {
  ChangeEntry,
  DeploymentReportData,
  DriftColumnResult,
  DriftReportData,
  DriftTableResult,
  JobRunReportData,
  JobRunTaskResult,
  MonitorReportData,
  RegistrationReportData,
  ServedEntitySnapshot,
} from '../../shared/runtime/reportTypes';

/** Where the attachment came from (the timeline record is the task step that attached it). */
export interface AttachmentSource {
  name: string;
  timelineId?: string;
  recordId?: string;
}

export type LoadedReport = { ok: true; source: AttachmentSource; report: TaskReport } | { ok: false; source: AttachmentSource; error: string };
