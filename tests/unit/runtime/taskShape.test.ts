/**
 * The shared task shape: the summary builder, the one plan printer and dryRun sentence, the
 * outcome renderer, and runPhases (plan cannot write; dryRun never calls apply).
 */
import { quietLog, recordingLog } from '../../helpers/recordingLog';
import * as assert from 'node:assert/strict';
import { DatabricksClient, PlanModeViolation } from '../../../shared/client/databricksClient';
import { createClock } from '../../../shared/runtime/clock';
import { SummaryBuilder } from '../../../shared/runtime/markdown';
import { dryRunSentence, planBlock, printPlan } from '../../../shared/runtime/plan';
import { outcomeSummary, type SummaryParts } from '../../../shared/runtime/report';
import { runPhases, type Outcome, type TaskContext, type TaskDeps, type TaskPhases } from '../../../shared/runtime/task';

function deps(dryRun: boolean, calls: string[]): TaskDeps {
  const client = new DatabricksClient({
    workspaceUrl: 'https://adb-1.azuredatabricks.net',
    send: async (request) => {
      calls.push(`${request.method} ${new URL(request.url).pathname}`);
      return { status: 200, headers: new Headers(), bodyJson: {}, request } as never;
    },
  });
  const ctx: TaskContext = { log: quietLog, signal: new AbortController().signal, clock: createClock(1), variable: () => undefined };
  return { client, ctx, dryRun, storage: () => assert.fail('no storage'), setSecret: () => undefined };
}

const outcome = (over: Partial<Outcome<{ n: number }>> = {}): Outcome<{ n: number }> => ({
  result: 'Succeeded',
  message: 'Done *now*',
  outputs: {},
  report: { n: 1 },
  notes: [],
  planLines: [],
  ...over,
});

describe('task shape', () => {
  describe('SummaryBuilder', () => {
    it('renders headings, paragraphs, lists, tables (with alignment), details and code blocks, blocks separated by a blank line', () => {
      const md = new SummaryBuilder()
        .heading('Title')
        .paragraph('one', 'two')
        .list(['a', 'b'])
        .table(['task', 'n'], [['x', '1']], ['left', 'right'])
        .details('Plan', ['```diff', '+ x', '```'])
        .codeBlock(['has ``` inside'], 'text')
        .toString();
      assert.equal(
        md,
        [
          '## Title',
          '',
          'one',
          'two',
          '',
          '- a',
          '- b',
          '',
          '| task | n |',
          '|---|---:|',
          '| x | 1 |',
          '',
          '<details><summary>Plan</summary>',
          '',
          '```diff',
          '+ x',
          '```',
          '</details>',
          '',
          '````text',
          'has ``` inside',
          '````',
          '',
        ].join('\n'),
      );
    });

    it('adds nothing for an empty list', () => {
      assert.equal(new SummaryBuilder().list([]).toString(), '');
    });
  });

  describe('plan', () => {
    it('printPlan: one section, the lines as remote text, "(no changes)" when empty; dryRun says nothing will be written', () => {
      const log = recordingLog();
      printPlan(log, ['+ endpoint x'], true);
      printPlan(log, [], false);
      assert.deepEqual(log.lines, [
        { kind: 'section', text: 'Plan (dryRun: nothing will be written)' },
        { kind: 'remote', text: '+ endpoint x' },
        { kind: 'section', text: 'Plan' },
        { kind: 'remote', text: '(no changes)' },
      ]);
    });

    it('planBlock: "Plan" in dryRun, "Changes" once applied, nothing without lines', () => {
      assert.equal(planBlock(['+ a'], true)?.label, 'Plan');
      assert.equal(planBlock(['+ a'], false)?.label, 'Changes');
      assert.equal(planBlock([], true), undefined);
    });
  });

  describe('outcomeSummary', () => {
    const parts: SummaryParts<{ link: string }, { n: number }> = {
      heading: () => 'Thing `x`',
      body: (s, o) => s.paragraph(`**N:** ${o.report.n}`),
      footer: (s, _o, plan) => s.paragraph(`[open](${plan.link})`),
    };

    it('icon and heading, the escaped message, the body, notes, the plan block, the footer, in that order', () => {
      const md = outcomeSummary(parts, outcome({ result: 'SucceededWithIssues', notes: ['a_b'], planLines: ['+ x'] }), { link: 'https://w/x' }, false);
      assert.equal(
        md,
        [
          '## ⚠️ Thing `x`',
          '',
          'Done \\*now\\*',
          '',
          '**N:** 1',
          '',
          '- a\\_b',
          '',
          '<details><summary>Changes</summary>',
          '',
          '```diff',
          '+ x',
          '```',
          '</details>',
          '',
          '[open](https://w/x)',
          '',
        ].join('\n'),
      );
    });

    it('dryRun: the one sentence, with what the task still did', () => {
      assert.equal(dryRunSentence(), '**Plan mode (dryRun):** nothing was written.');
      assert.ok(outcomeSummary(parts, outcome(), { link: '' }, true).includes(`\n${dryRunSentence()}\n`));
      const withDetail = outcomeSummary({ ...parts, dryRunDetail: () => 'the gate ran on the metrics as they are' }, outcome(), { link: '' }, true);
      assert.ok(withDetail.includes('\n**Plan mode (dryRun):** nothing was written; the gate ran on the metrics as they are.\n'));
    });

    it('no heading: the message is the heading', () => {
      const md = outcomeSummary({ ...parts, heading: () => undefined }, outcome({ result: 'Failed' }), { link: '' }, false);
      assert.match(md, /^## ❌ Done \\\*now\\\*\n\n\*\*N:\*\* 1\n/);
    });
  });

  describe('runPhases', () => {
    let planClient: TaskDeps['client'] | undefined;
    const phases = (calls: string[]): TaskPhases<{ write: boolean }, { wanted: string }, { n: number }> => ({
      async plan(d, params) {
        calls.push('plan');
        await d.client.get('/api/2.0/thing');
        if (params.write) await d.client.post('/api/2.0/thing', {});
        planClient = d.client;
        return { wanted: 'x' };
      },
      planLines: (plan) => [`+ ${plan.wanted}`],
      planned: () => outcome({ message: 'planned' }),
      async apply(d) {
        calls.push('apply');
        await d.client.post('/api/2.0/thing', {});
        // What the plan built on its client can write once apply runs.
        await planClient!.post('/api/2.0/other', {});
        return outcome({ message: 'applied' });
      },
    });

    it('plan gets a client that refuses writes while it plans; apply the writing one', async () => {
      const calls: string[] = [];
      const { outcome: o } = await runPhases(phases(calls), deps(false, calls), { write: false });
      assert.equal(o.message, 'applied');
      assert.deepEqual(calls, ['plan', 'GET /api/2.0/thing', 'apply', 'POST /api/2.0/thing', 'POST /api/2.0/other']);
      await assert.rejects(runPhases(phases([]), deps(false, []), { write: true }), (e: unknown) => e instanceof PlanModeViolation && /plan phase was refused/.test(e.message));
    });

    it('dryRun: planned gives the outcome, apply is not called, no write is sent', async () => {
      const calls: string[] = [];
      const { outcome: o } = await runPhases(phases(calls), deps(true, calls), { write: false });
      assert.equal(o.message, 'planned');
      assert.deepEqual(calls, ['plan', 'GET /api/2.0/thing']);
    });
  });
});
