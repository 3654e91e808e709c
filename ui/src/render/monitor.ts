/** Monitor reports: the monitor, its metric tables, dashboard, view and alerts. */
import { h, link } from '../dom';
import type { MonitorReportData } from '../model';
import { renderChanges } from './changes';
import type { KindView } from './parts';
import { chip, code, facts, section, table, yesNo } from './parts';

const API: Record<MonitorReportData['monitorApi'], string> = { dataQuality: 'Data quality monitoring', legacy: 'Lakehouse Monitoring (legacy API)' };
const ACTION: Record<MonitorReportData['action'], string> = { create: 'Created', update: 'Updated', noop: 'No change' };
const PLANNED_ACTION: Record<MonitorReportData['action'], string> = { create: 'Would create', update: 'Would update', noop: 'No change' };

export function renderMonitor(data: MonitorReportData, dryRun: boolean | undefined): KindView {
  const action = (value: MonitorReportData['action']): string => (dryRun ? PLANNED_ACTION : ACTION)[value] ?? value;
  const body: Node[] = [
    facts([
      ['Monitored table', code(data.tableName)],
      ['Monitor', action(data.action)],
      ['API', API[data.monitorApi] ?? data.monitorApi],
      ['Status', data.status],
      ['Profile metrics', data.profileMetricsTable ? code(data.profileMetricsTable) : undefined],
      ['Drift metrics', data.driftMetricsTable ? code(data.driftMetricsTable) : undefined],
      ['Dashboard', data.dashboardUrl ? link('Open the dashboard', data.dashboardUrl) : undefined],
      ['First refresh started', yesNo(data.refreshStarted)],
    ]),
  ];
  if (data.unpackView) {
    const view = data.unpackView;
    body.push(
      section(
        'Inference view',
        'view',
        facts([
          ['View', code(view.name)],
          ['Reads', code(view.sourceTable)],
          ['Request formats', view.requestFormats.join(', ')],
          [
            'Features',
            view.features.length > 0
              ? h(
                  'span',
                  { class: 'inline-list' },
                  view.features.map((f) => code(f)),
                )
              : undefined,
          ],
        ]),
      ),
    );
  }
  if (data.alerts && data.alerts.length > 0) {
    body.push(
      section(
        'Alerts',
        'alerts',
        table(
          ['Alert', 'Rule', 'Change'],
          data.alerts.map((alert) => [link(alert.displayName, alert.url), code(alert.rule), chip(action(alert.action), alert.action === 'noop' ? 'neutral' : 'info')]),
        ),
      ),
    );
  }
  const changes = renderChanges(data.changes, dryRun);
  if (changes) body.push(changes);
  return { title: `Monitor on ${data.tableName}`, body };
}
