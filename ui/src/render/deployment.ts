/** Deployment reports: what served what before and after, how long it took, and any rollback. */
import { h, link } from '../dom';
import { formatDuration } from '../format';
import type { DeploymentReportData, ServedEntitySnapshot } from '../model';
import { renderChanges } from './changes';
import type { KindView } from './parts';
import { callout, chip, facts, section, table, yesNo } from './parts';

const ACTION: Record<DeploymentReportData['action'], string> = { create: 'Created the endpoint', update: 'Updated the endpoint', noop: 'No change' };
const PLANNED_ACTION: Record<DeploymentReportData['action'], string> = { create: 'Would create the endpoint', update: 'Would update the endpoint', noop: 'No change' };
const MODE: Record<DeploymentReportData['trafficMode'], string> = {
  replace: 'Replace (all traffic to the new version)',
  canary: 'Canary (a share of traffic to the new version)',
  promote: 'Promote (the canary takes all traffic)',
  rollback: 'Rollback (the config recorded before the last rollout)',
};
const STAGE: Record<NonNullable<DeploymentReportData['failure']>['stage'], string> = {
  update: 'while updating the endpoint',
  wait: 'while waiting for the endpoint to be ready',
  'smoke-test': 'in the smoke test',
};
/** Segments narrower than this show their label in the legend only. */
const MIN_LABELLED_PERCENT = 7;

/** The same served model version keeps its colour in every bar of the card. */
class Swatches {
  private readonly byKey = new Map<string, number>();
  index(entity: ServedEntitySnapshot): number {
    const key = `${entity.entityName}@${entity.entityVersion}`;
    if (!this.byKey.has(key)) this.byKey.set(key, this.byKey.size % 6);
    return this.byKey.get(key) ?? 0;
  }
}

function label(entity: ServedEntitySnapshot): string {
  return entity.entityVersion ? `v${entity.entityVersion}` : entity.name;
}

function splitBar(caption: string, entities: ServedEntitySnapshot[], swatches: Swatches): HTMLElement {
  const serving = entities.filter((entity) => entity.trafficPercent > 0);
  const description = serving.map((entity) => `${label(entity)} ${entity.trafficPercent}%`).join(', ');
  return h(
    'div',
    { class: 'split' },
    h('div', { class: 'split__caption' }, caption),
    serving.length === 0
      ? h('div', { class: 'split__empty' }, entities.length === 0 ? 'nothing served' : 'no traffic routed')
      : h(
          'div',
          { class: 'split__bar', role: 'img', 'aria-label': `${caption}: ${description}` },
          serving.map((entity) =>
            h(
              'div',
              {
                class: `split__segment swatch-${swatches.index(entity)}`,
                style: `flex-basis: ${entity.trafficPercent}%`,
                title: `${entity.name}: ${entity.entityName} version ${entity.entityVersion}, ${entity.trafficPercent}% of traffic`,
                'data-percent': entity.trafficPercent,
              },
              entity.trafficPercent >= MIN_LABELLED_PERCENT ? `${label(entity)} ${entity.trafficPercent}%` : null,
            ),
          ),
        ),
  );
}

function entitiesTable(entities: ServedEntitySnapshot[], swatches: Swatches): HTMLElement {
  return table(
    ['Served entity', 'Model', 'Version', 'Traffic', 'State', 'Size', 'Scale to zero'],
    entities.map((entity) => [
      h('span', { class: 'legend' }, h('span', { class: `legend__swatch swatch-${swatches.index(entity)}`, 'aria-hidden': 'true' }), entity.name),
      entity.entityName,
      entity.entityVersion,
      `${entity.trafficPercent}%`,
      entity.state ?? '',
      entity.workloadSize ?? '',
      yesNo(entity.scaleToZero) ?? '',
    ]),
    'entities',
  );
}

export function renderDeployment(data: DeploymentReportData, dryRun: boolean | undefined): KindView {
  const swatches = new Swatches();
  const before = data.before ?? [];
  const after = data.after ?? [];
  const body: Node[] = [
    facts([
      ['Endpoint', link(data.endpointName, data.endpointUrl)],
      ['Change', (dryRun ? PLANNED_ACTION : ACTION)[data.action] ?? data.action],
      ['Traffic mode', MODE[data.trafficMode] ?? data.trafficMode],
      ['Time to ready', formatDuration(data.timeToReadySeconds)],
      ['Inference table', data.inferenceTableName],
      ['Inference retention', retentionText(data.retention, dryRun)],
    ]),
    section(
      dryRun ? 'Traffic split (planned)' : 'Traffic split',
      'traffic',
      h('div', { class: 'splits' }, splitBar('Before', before, swatches), splitBar(dryRun ? 'Planned' : 'After', after, swatches)),
      after.length > 0 ? entitiesTable(after, swatches) : null,
    ),
  ];
  if (data.smokeTest) {
    const smoke = data.smokeTest;
    body.push(
      section(
        'Smoke test',
        'smoke',
        h('p', null, chip(smoke.ok ? 'Passed' : 'Failed', smoke.ok ? 'success' : 'danger'), ' ', smoke.summary),
        facts([
          ['HTTP status', smoke.status],
          ['Predictions', smoke.predictions],
          ['Latency', smoke.latencyMs != null ? `${smoke.latencyMs} ms` : undefined],
        ]),
      ),
    );
  }
  if (data.inferenceLogCheck) {
    const check = data.inferenceLogCheck;
    body.push(
      section(
        'Inference log',
        'inference-log',
        h('p', null, chip(check.found ? 'Received' : 'Not yet', check.found ? 'success' : 'warning'), ' ', check.message),
        facts([
          ['Payload table', check.table],
          ['client_request_id', check.clientRequestId],
          ['Waited', `${check.waitedSeconds} s`],
        ]),
      ),
    );
  }
  if (data.failure) {
    const failure = data.failure;
    body.push(
      section(
        'Failure',
        'failure',
        callout(
          'danger',
          `Failed ${STAGE[failure.stage] ?? failure.stage}`,
          h('p', null, failure.message),
          failure.entityMessages && failure.entityMessages.length > 0
            ? h(
                'ul',
                { class: 'messages' },
                failure.entityMessages.map((m) => h('li', null, h('strong', null, m.name), ': ', m.message)),
              )
            : null,
        ),
      ),
    );
  }
  if (data.rollback) {
    const rollback = data.rollback;
    const tone = !rollback.performed ? 'warning' : rollback.succeeded ? 'info' : 'danger';
    const heading = !rollback.performed
      ? 'Not rolled back'
      : rollback.succeeded
        ? 'Rolled back to the previous configuration'
        : 'Rollback failed: the endpoint may be in a mixed state';
    body.push(
      section(
        'Rollback',
        'rollback',
        callout(tone, heading, h('p', null, rollback.reason), rollback.restored && rollback.restored.length > 0 ? splitBar('Restored', rollback.restored, swatches) : null),
      ),
    );
  }
  const changes = renderChanges(data.changes, dryRun);
  if (changes) body.push(changes);
  return { title: `Serving endpoint ${data.endpointName}`, body };
}

const RETENTION_ACTION = { create: 'created', update: 'updated', delete: 'removed', noop: 'unchanged' } as const;
const PLANNED_RETENTION_ACTION = { create: 'would be created', update: 'would be updated', delete: 'would be removed', noop: 'unchanged' } as const;

/** The retention job in one line: days, schedule and what this run did to it. */
function retentionText(r: DeploymentReportData['retention'], dryRun: boolean | undefined): Node | string | undefined {
  if (!r) return undefined;
  const action = (dryRun ? PLANNED_RETENTION_ACTION : RETENTION_ACTION)[r.action] ?? r.action;
  if (r.days === 0) return r.action === 'delete' ? `off (the retention job ${action})` : 'off';
  const text = `${r.days} days, ${r.schedule ?? 'daily'} (job ${action})`;
  return r.jobUrl ? link(text, r.jobUrl) : text;
}
