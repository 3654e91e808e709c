/** Registration reports: the registered version, and the promotion gate as candidate vs champion. */
import { h, link } from '../dom';
import { formatBytes, formatNumber, formatSigned } from '../format';
import type { RegistrationReportData } from '../model';
import { renderChanges } from './changes';
import type { KindView, Tone } from './parts';
import { callout, chip, code, facts, section, table } from './parts';

type Gate = NonNullable<RegistrationReportData['gate']>;

function verdict(gate: Gate, data: RegistrationReportData): { tone: Tone; heading: string } {
  const alias = `@${gate.baselineAlias}`;
  if (data.promoted) {
    return gate.outcome === 'no-baseline'
      ? { tone: 'success', heading: `Promoted to ${alias}: there was no champion yet` }
      : { tone: 'success', heading: `Promoted to ${alias}: the candidate beats the champion` };
  }
  switch (gate.outcome) {
    case 'tie':
      return { tone: 'warning', heading: `Champion stays: a tie on ${gate.metric}` };
    case 'not-improved':
      return { tone: 'warning', heading: `Champion stays: the candidate does not improve ${gate.metric} enough` };
    case 'baseline-metric-missing':
      return { tone: 'warning', heading: `Not promoted: the champion has no ${gate.metric} to compare with` };
    case 'no-baseline':
      return { tone: 'info', heading: `Not promoted: there is no champion to compare with` };
    default:
      return { tone: 'info', heading: 'Not promoted' };
  }
}

/** One side of the comparison: who, the metric value, and a bar on a scale shared by both sides. */
function contender(role: string, who: string, value: number | undefined, scale: number, winner: boolean): HTMLElement {
  const width = value != null && scale > 0 ? Math.max(0, Math.min(1, value / scale)) * 100 : 0;
  return h(
    'div',
    { class: `contender${winner ? ' contender--winner' : ''}`, 'data-role': role.toLowerCase() },
    h('div', { class: 'contender__role' }, role, winner ? chip('better', 'success') : null),
    h('div', { class: 'contender__who' }, who),
    h('div', { class: 'contender__value' }, formatNumber(value)),
    h('div', { class: 'meter', 'aria-hidden': 'true' }, h('div', { class: 'meter__fill', style: `width: ${width.toFixed(1)}%` })),
  );
}

function renderGate(gate: Gate, data: RegistrationReportData): HTMLElement {
  const { tone, heading } = verdict(gate, data);
  const scale = Math.max(Math.abs(gate.candidate ?? 0), Math.abs(gate.baseline ?? 0));
  const better = gate.improvement != null && gate.improvement > 0;
  const worse = gate.improvement != null && gate.improvement < 0;
  const direction = gate.goal === 'maximize' ? 'higher is better' : 'lower is better';
  return section(
    'Candidate vs champion',
    'gate',
    callout(tone, heading),
    h(
      'div',
      { class: 'versus' },
      contender('Candidate', `version ${data.version}`, gate.candidate, scale, better),
      h('div', { class: 'versus__vs', 'aria-hidden': 'true' }, 'vs'),
      contender('Champion', gate.baselineVersion ? `@${gate.baselineAlias} · version ${gate.baselineVersion}` : `@${gate.baselineAlias} · none`, gate.baseline, scale, worse),
    ),
    facts([
      ['Metric', h('span', null, code(gate.metric), ` (${direction})`)],
      ['Improvement', gate.improvement != null ? formatSigned(gate.improvement) : undefined],
      ['Minimum improvement', gate.minImprovement > 0 ? formatNumber(gate.minImprovement) : 'none'],
    ]),
  );
}

export function renderRegistration(data: RegistrationReportData, dryRun: boolean | undefined): KindView {
  // MLflow run ids are 32 hex characters; the first 8 identify a run in practice, as in the MLflow UI.
  const source = data.mode === 'run' ? link(data.runId ? `run ${data.runId.slice(0, 8)}` : 'a run', data.runUrl) : 'an existing model version';
  const copied =
    data.filesCopied != null ? `${data.filesCopied} file${data.filesCopied === 1 ? '' : 's'}${data.bytesCopied != null ? ` (${formatBytes(data.bytesCopied)})` : ''}` : undefined;
  const body: Node[] = [
    facts([
      ['Model', data.modelName],
      ['Version', link(data.version, data.versionUrl)],
      ['Source', source],
      ['Model URI', data.modelUri ? code(data.modelUri) : undefined],
      ['Reused', data.reused ? 'yes: the run was already registered as this version' : undefined],
      ['Copied', copied],
    ]),
  ];
  if (data.gate) body.push(renderGate(data.gate, data));
  if (data.aliasesSet && data.aliasesSet.length > 0) {
    body.push(
      section(
        'Aliases',
        'aliases',
        table(
          ['Alias', 'Now', 'Before'],
          data.aliasesSet.map((alias) => [code(`@${alias.alias}`), `version ${alias.version}`, alias.previousVersion ? `version ${alias.previousVersion}` : '—']),
        ),
      ),
    );
  }
  const tags = Object.entries(data.tags ?? {});
  if (tags.length > 0) {
    body.push(
      section(
        'Tags',
        'tags',
        h(
          'ul',
          { class: 'tag-list' },
          tags.map(([key, value]) => h('li', { class: 'tag' }, h('span', { class: 'tag__key' }, key), h('span', { class: 'tag__value' }, value))),
        ),
      ),
    );
  }
  const changes = renderChanges(data.changes, dryRun);
  if (changes) body.push(changes);
  return { title: `Model ${data.modelName} · version ${data.version}`, body };
}
