/**
 * The plan of a run: the monitor wanted (MonitorSpec from the parameters), the fields that
 * differ from the monitor the workspace has, and the ChangeEntry records the dryRun output, the
 * summary and the report are made of, rendered as a readable diff.
 *
 * Write-only fields (warehouse_id, skip_builtin_dashboard) are never compared: GET does not
 * return them, so comparing would report a change on every run.
 */
import type { CustomMetricSpec, Monitor, MonitorField, MonitorSpec, ProfileSpec } from '../../../shared/api/monitors/model';
import type { ChangeEntry } from '../../../shared/runtime/reportTypes';
import type { CreateMonitorParameters } from './parameters';
import { message } from './messages';

export function monitorSpec(params: CreateMonitorParameters): MonitorSpec {
  return {
    tableName: params.tableName,
    outputSchema: params.outputSchema,
    assetsDir: params.assetsDir,
    profile: params.profile,
    baselineTableName: params.baselineTableName,
    slicingExpressions: params.slicingExpressions,
    customMetrics: params.customMetrics,
    schedule: params.schedule,
    notifyEmails: params.notifyEmails,
    warehouseId: params.warehouseId,
  };
}

/** A field the APIs cannot change on an existing monitor. */
export interface ImmutableChange {
  field: 'assets_dir' | 'table';
  current: string;
  wanted: string;
}

export interface MonitorDiff {
  changed: MonitorField[];
  immutable: ImmutableChange[];
  fields: NonNullable<ChangeEntry['fields']>;
}

type Comparable = Exclude<MonitorField, 'assetsDir'>;

/** How each updatable field reads in a diff (also what is compared). */
const RENDER: { [F in Comparable]: (m: Pick<MonitorSpec, F>) => string | undefined } = {
  outputSchema: (m) => m.outputSchema.toLowerCase(),
  profile: (m) => describeProfile(m.profile),
  baselineTableName: (m) => m.baselineTableName?.toLowerCase() || undefined,
  slicingExpressions: (m) => (m.slicingExpressions.length ? m.slicingExpressions.map((s) => s.trim()).join('; ') : undefined),
  customMetrics: (m) => (m.customMetrics.length ? m.customMetrics.map(describeMetric).join('; ') : undefined),
  schedule: (m) => (m.schedule ? `${m.schedule.quartzCronExpression.trim()} (${m.schedule.timezoneId})` : undefined),
  notifyEmails: (m) =>
    m.notifyEmails.length
      ? [...m.notifyEmails]
          .map((e) => e.toLowerCase())
          .sort()
          .join(', ')
      : undefined,
};

/** Snake-case names in the diff, as users see them in the API and the UI. */
const FIELD_PATHS: Record<MonitorField, string> = {
  outputSchema: 'output_schema',
  assetsDir: 'assets_dir',
  profile: 'profile',
  baselineTableName: 'baseline_table_name',
  slicingExpressions: 'slicing_exprs',
  customMetrics: 'custom_metrics',
  schedule: 'schedule',
  notifyEmails: 'notifications.on_failure',
};

export function diffMonitor(current: Monitor, wanted: MonitorSpec): MonitorDiff {
  const diff: MonitorDiff = { changed: [], immutable: [], fields: [] };
  if (current.tableName.toLowerCase() !== wanted.tableName.toLowerCase()) {
    diff.immutable.push({ field: 'table', current: current.tableName, wanted: wanted.tableName });
  }
  if (wanted.assetsDir !== undefined && current.assetsDir !== undefined && workspacePath(current.assetsDir) !== workspacePath(wanted.assetsDir)) {
    diff.immutable.push({ field: 'assets_dir', current: current.assetsDir, wanted: wanted.assetsDir });
  }
  for (const field of Object.keys(RENDER) as Comparable[]) {
    const render = RENDER[field] as (m: MonitorSpec | Monitor) => string | undefined;
    const before = render(current);
    const after = render(wanted);
    if (before !== after) {
      diff.changed.push(field);
      diff.fields.push({ path: FIELD_PATHS[field], before, after });
    }
  }
  return diff;
}

/** The fields of a monitor that does not exist yet. */
export function creationFields(wanted: MonitorSpec): NonNullable<ChangeEntry['fields']> {
  const fields: NonNullable<ChangeEntry['fields']> = [];
  if (wanted.assetsDir) fields.push({ path: 'assets_dir', after: wanted.assetsDir });
  for (const field of Object.keys(RENDER) as Comparable[]) {
    const after = (RENDER[field] as (m: MonitorSpec) => string | undefined)(wanted);
    if (after !== undefined) fields.push({ path: FIELD_PATHS[field], after });
  }
  return fields;
}

/** `/Workspace/Users/x` and `/Users/x` name the same folder; a trailing slash does not matter. */
function workspacePath(path: string): string {
  return path.replace(/^\/Workspace(?=\/)/, '').replace(/\/+$/, '');
}

function describeProfile(p: ProfileSpec): string {
  switch (p.type) {
    case 'inferenceLog': {
      const label = p.labelColumn ? `, ${message('ProfileLabel', p.labelColumn)}` : '';
      const proba = p.predictionProbabilityColumn ? `, ${message('ProfileProbability', p.predictionProbabilityColumn)}` : '';
      return message('ProfileInferenceLog', p.problemType, p.predictionColumn, proba, label, p.modelIdColumn, p.timestampColumn, granularities(p.granularities));
    }
    case 'timeSeries':
      return message('ProfileTimeSeries', p.timestampColumn, granularities(p.granularities));
    case 'snapshot':
      return message('ProfileSnapshot');
  }
}

/** Order does not matter to the monitor. */
function granularities(list: string[]): string {
  return [...list].sort().join(', ');
}

function describeMetric(m: CustomMetricSpec): string {
  return message('PlanCustomMetric', m.name, m.type, m.inputColumns.join(', '), m.definition.trim(), outputType(m.outputDataType));
}

/** StructField JSON compared by content, not by spacing or key order. */
function outputType(json: string): string {
  try {
    const parsed = JSON.parse(json) as Record<string, unknown>;
    return JSON.stringify(parsed, Object.keys(parsed).sort());
  } catch {
    return json.trim();
  }
}

export { hasChanges, renderChanges } from '../../../shared/runtime/plan';
