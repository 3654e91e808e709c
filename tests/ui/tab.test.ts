/**
 * The results tab in a real headless Chromium (Debian's /usr/bin/chromium driven by
 * playwright-core) against the harness page: asserts on what a user sees and saves a screenshot
 * of every page to tests/.artifacts/screenshots/.
 */
import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { chromium } from 'playwright-core';

import { repoRoot } from '../helpers/repo';
import type { DriftColumnResult, DriftReportData } from '../../ui/src/model';
import type { Harness } from './harness/server';
import { startHarness } from './harness/server';

const CHROMIUM = '/usr/bin/chromium';
const root = repoRoot();
const screenshots = join(root, 'tests', '.artifacts', 'screenshots');

function fixture<T>(name: string): { data: T } {
  return JSON.parse(readFileSync(join(root, 'tests', 'ui', 'fixtures', name), 'utf8')) as { data: T };
}

describe('results tab in Chromium', function () {
  this.timeout(60_000);
  let harness: Harness | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let pageErrors: string[];

  before(async function () {
    if (!existsSync(CHROMIUM)) {
      console.warn(`    skipped: ${CHROMIUM} not found (apt-get install chromium; CI installs it)`);
      this.skip();
    }
    mkdirSync(screenshots, { recursive: true });
    harness = await startHarness();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });

  after(async () => {
    await browser?.close();
    await harness?.close();
  });

  beforeEach(async () => {
    assert.ok(browser);
    page = await browser.newPage({ viewport: { width: 1100, height: 900 }, locale: 'en-US', timezoneId: 'UTC' });
    pageErrors = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text());
    });
  });

  afterEach(async () => {
    await page.close();
  });

  /** Opens the harness with these attachments and waits until the tab has rendered them. */
  async function open(reports: string[], screenshot: string, query = ''): Promise<void> {
    assert.ok(harness);
    await page.goto(`${harness.url}?reports=${reports.map(encodeURIComponent).join(',')}${query}`);
    await page.waitForSelector('#app:not([data-state="loading"])');
    await page.screenshot({ path: join(screenshots, `${screenshot}.png`), fullPage: true });
    assert.deepEqual(
      pageErrors.filter((e) => !/404/.test(e)),
      [],
      'no errors in the page',
    );
  }

  const text = (selector: string): Promise<string> => page.locator(selector).innerText();

  it('shows a canary deployment: versions, traffic split, time to ready, no rollback', async () => {
    await open(['deployment-canary.json'], 'deployment-canary');
    assert.equal(await page.getAttribute('#app', 'data-state'), 'ready');
    const card = page.locator('.card[data-kind="deployment"]');
    assert.match(await card.locator('.card__heading').innerText(), /Succeeded/);
    assert.equal(await card.locator('.card__title').innerText(), 'Serving endpoint churn-scoring');
    assert.match(await card.locator('.facts').first().innerText(), /Inference retention\s+90 days, daily at 03:00 UTC \(job created\)/);
    const splits = card.locator('.traffic .split');
    assert.equal(await splits.count(), 2);
    assert.equal(await splits.nth(0).locator('.split__caption').innerText(), 'Before');
    assert.deepEqual(await splits.nth(0).locator('.split__segment').allInnerTexts(), ['v7 100%']);
    assert.equal(await splits.nth(1).locator('.split__caption').innerText(), 'After');
    assert.deepEqual(await splits.nth(1).locator('.split__segment').allInnerTexts(), ['v7 90%', 'v8 10%']);
    // The segments are as wide as their share of the traffic.
    const [wide, narrow] = await Promise.all([0, 1].map(async (i) => (await splits.nth(1).locator('.split__segment').nth(i).boundingBox())!.width));
    assert.ok(Math.abs(wide / (wide + narrow) - 0.9) < 0.02, `90% segment is ${wide} of ${wide + narrow} px`);
    // The same version keeps its colour before and after.
    const colour = (locator: ReturnType<Page['locator']>): Promise<string> => locator.evaluate((el) => getComputedStyle(el).backgroundColor);
    assert.equal(await colour(splits.nth(0).locator('.split__segment').nth(0)), await colour(splits.nth(1).locator('.split__segment').nth(0)));
    assert.notEqual(await colour(splits.nth(1).locator('.split__segment').nth(0)), await colour(splits.nth(1).locator('.split__segment').nth(1)));
    const facts = await card.locator('.facts').first().innerText();
    assert.match(facts, /Time to ready\s+4 min 12 s/);
    assert.match(facts, /Traffic mode\s+Canary/);
    assert.match(await card.locator('.entities').innerText(), /churn_model-8\s+main\.ml\.churn_model\s+8\s+10%\s+READY/);
    assert.match(await card.locator('.smoke').innerText(), /Passed\s+5 predictions/);
    assert.equal(await card.locator('.rollback').count(), 0, 'no rollback section');
    assert.equal(await card.locator('.failure').count(), 0, 'no failure section');
  });

  it('shows a failed deployment with its failure and the rollback', async () => {
    await open(['deployment-rollback.json'], 'deployment-rollback');
    const card = page.locator('.card[data-kind="deployment"]');
    assert.match(await card.locator('.card__heading').innerText(), /Failed/);
    assert.match(await card.locator('.failure').innerText(), /Failed while waiting for the endpoint to be ready[\s\S]*container exited with code 1[\s\S]*lightgbm/);
    const rollback = card.locator('.rollback');
    assert.equal(await rollback.count(), 1);
    assert.match(await rollback.innerText(), /Rolled back to the previous configuration/);
    assert.deepEqual(await rollback.locator('.split__segment').allInnerTexts(), ['v8 100%']);
    assert.doesNotMatch(await card.locator('.facts').first().innerText(), /Time to ready/, 'never ready: no time to ready');
  });

  it('shows a failed job run: its tasks, the failed task with its trace, the run link', async () => {
    await open(['job-run-failed.json'], 'job-run-failed');
    const card = page.locator('.card[data-kind="job"]');
    assert.match(await card.locator('.card__heading').innerText(), /Failed[\s\S]*Job run/i);
    assert.match(await card.locator('.card__title').innerText(), /Job churn training, run 550000000887/);
    assert.match(await card.locator('.tasks').innerText(), /prep[\s\S]*FAILED[\s\S]*train[\s\S]*UPSTREAM_FAILED/);
    assert.match(await card.locator('.callout--danger').innerText(), /Task prep: FAILED[\s\S]*ValueError: Input contains NaN[\s\S]*line 12, in prep/);
    assert.equal(await card.locator('a[href$="/runs/550000000887"]').count(), 1);
  });

  it('shows a won promotion as candidate vs champion', async () => {
    await open(['registration-promoted.json'], 'promotion-won');
    const gate = page.locator('.card[data-kind="registration"] .gate');
    assert.match(await gate.locator('.callout').innerText(), /Promoted to @champion: the candidate beats the champion/);
    const candidate = gate.locator('.contender[data-role="candidate"]');
    const champion = gate.locator('.contender[data-role="champion"]');
    assert.match(await candidate.innerText(), /version 8[\s\S]*0\.912/);
    assert.match(await champion.innerText(), /@champion · version 7[\s\S]*0\.897/);
    assert.equal(await candidate.getAttribute('class'), 'contender contender--winner');
    assert.match(await gate.locator('.facts').innerText(), /Improvement\s+\+0\.015/);
    assert.match(await text('.card[data-kind="registration"] .aliases'), /@champion\s+version 8\s+version 7/);
    assert.match(await text('.card[data-kind="registration"] .tags'), /git_commit\s*3e9f0c1/);
  });

  it('shows a lost promotion: the champion stays', async () => {
    await open(['registration-not-promoted.json'], 'promotion-lost');
    const gate = page.locator('.card[data-kind="registration"] .gate');
    assert.match(await gate.locator('.callout').innerText(), /Champion stays: the candidate does not improve f1_score enough/);
    assert.equal(await gate.locator('.contender[data-role="champion"]').getAttribute('class'), 'contender contender--winner');
    assert.match(await gate.locator('.facts').innerText(), /Improvement\s+-0\.007/);
    assert.match(await text('.card[data-kind="registration"] .card__heading'), /Succeeded with issues/);
  });

  it('shows data-quality breaches apart from drift', async () => {
    await open(['drift-data-quality.json'], 'drift-data-quality');
    const card = page.locator('.card[data-kind="drift"]');
    const verdict = await card.locator('.verdict').innerText();
    assert.match(verdict, /Data-quality rule broken/);
    assert.match(verdict, /1 column broke a data-quality rule:\s*main\.ml_mon\.churn_inference\.age/);
    assert.doesNotMatch(verdict, /drifted/);
    const section = card.locator('.drift-table[data-table="main.ml_mon.churn_inference"]');
    const drift = await section.locator('.drift-columns[data-kind="drift"] .drift-column[data-column]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-category')));
    assert.deepEqual(drift, ['drift', 'drift']);
    const quality = section.locator('.drift-columns[data-kind="data-quality"] .drift-column[data-column]');
    assert.equal(await quality.count(), 2);
    assert.match(await quality.first().innerText(), /age\s+breached[\s\S]*max > 120[\s\S]*150/);
    assert.match(await section.innerText(), /Data quality \(column statistics\)/);
  });

  it('shows drift: the verdict, worst column first, bars against the thresholds, the windows', async () => {
    await open(['drift-detected.json'], 'drift-detected');
    const card = page.locator('.card[data-kind="drift"]');
    assert.match(await card.locator('.verdict').innerText(), /Drift detected[\s\S]*2 columns drifted/);
    assert.match((await card.locator('.verdict').getAttribute('class')) ?? '', /callout--danger/);

    const data = fixture<DriftReportData>('drift-detected.json').data;
    const table = data.tables[0];
    const section = card.locator(`.drift-table[data-table="${table.table}"]`);
    const shown = await section.locator('.drift-column[data-column]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-column')));
    const expected = [...table.columns].sort((a, b) => Number(b.drifted) - Number(a.drifted) || b.severity - a.severity).map((c) => c.column);
    assert.deepEqual(shown, expected);
    assert.deepEqual(shown.slice(0, 3), ['tenure_months', 'monthly_charges', 'contract_type']);
    assert.match(await section.locator('.drift-column').nth(1).innerText(), /tenure_months\s+drifted[\s\S]*population_stability_index >= 0\.2[\s\S]*0\.41[\s\S]*2 of 4/);

    // Each bar is value/threshold long on a scale ending at twice the threshold.
    for (const column of table.columns) {
      const row = section.locator(`.drift-column[data-column="${column.column}"]`);
      if (column.latest == null) {
        assert.match(await row.innerText(), /no value in the latest window/);
        continue;
      }
      const track = (await row.locator('.threshold-bar__track').boundingBox())!;
      const fill = (await row.locator('.threshold-bar__fill').boundingBox())!;
      const expectedShare = Math.min(column.latest / column.threshold, 2) / 2;
      assert.ok(Math.abs(fill.width / track.width - expectedShare) < 0.01, `${column.column}: bar ${fill.width}/${track.width}, expected ${expectedShare}`);
      const threshold = (await row.locator('.threshold-bar__threshold').boundingBox())!;
      assert.ok(Math.abs(threshold.x + threshold.width / 2 - (track.x + track.width / 2)) < 1.5, 'the threshold line is in the middle');
      const latestViolated = column.windows[column.windows.length - 1].violated;
      assert.equal(await row.locator('.threshold-bar--violated').count(), latestViolated ? 1 : 0, `${column.column} coloured as ${latestViolated ? 'violated' : 'fine'}`);
      // One column per window, the violated ones marked.
      const windows = row.locator('.windows__column');
      assert.equal(await windows.count(), column.windows.length);
      const marked = await windows.evaluateAll((els) => els.map((el) => el.classList.contains('windows__column--violated')));
      assert.deepEqual(
        marked,
        column.windows.map((w: DriftColumnResult['windows'][number]) => w.violated),
      );
    }
    assert.match(await card.locator(`.drift-table[data-table="${data.tables[1].table}"] .section__title`).innerText(), /no drift/);
    assert.match(await card.locator('.facts').first().innerText(), /Counts as drift\s+when 2 of the last 4 windows break a rule/);
    assert.match(await card.locator('.facts').first().innerText(), /Model\s+main\.ml\.churn_model\/8/, 'the model id slice the rules were judged on');
  });

  it('shows insufficient data as its own outcome, with the reason', async () => {
    await open(['drift-insufficient-data.json'], 'drift-insufficient-data');
    const verdict = await text('.card[data-kind="drift"] .verdict');
    assert.match(verdict, /Insufficient data/);
    assert.doesNotMatch(verdict, /Drift detected|No drift/);
    assert.match(verdict, /Only 1 of the 3 evaluation windows/);
  });

  it('shows a monitor creation with its tables, dashboard and alerts', async () => {
    await open(['monitor-created.json'], 'monitor-created');
    const card = page.locator('.card[data-kind="monitor"]');
    assert.equal(await card.locator('.card__title').innerText(), 'Monitor on main.ml.churn_scoring_payload_unpacked');
    const facts = await card.locator('.facts').first().innerText();
    assert.match(facts, /Monitor\s+Created/);
    assert.match(facts, /Drift metrics\s+main\.ml\.churn_scoring_payload_unpacked_drift_metrics/);
    assert.equal(
      await card.locator('a', { hasText: 'Open the dashboard' }).getAttribute('href'),
      'https://adb-1234567890123456.7.azuredatabricks.net/sql/dashboardsv3/01ef2b7c9d3e1a4f',
    );
    assert.deepEqual(await card.locator('.alerts tbody tr').allInnerTexts(), [
      'churn-scoring PSI\tpopulation_stability_index >= 0.2\tCreated',
      'churn-scoring JS distance\tjs_distance > 0.1\tCreated',
    ]);
  });

  it('shows a plan (dry run) as a diff', async () => {
    await open(['deployment-plan.json'], 'deployment-plan');
    const card = page.locator('.card[data-kind="deployment"]');
    assert.match(await card.locator('.card__heading').innerText(), /Plan only \(dry run\)/);
    assert.match(await card.locator('.facts').first().innerText(), /Change\s+Would update the endpoint/);
    assert.deepEqual(await card.locator('.traffic .split').nth(1).locator('.split__segment').allInnerTexts(), ['v8 90%', 'v9 10%']);
    const plan = await card.locator('.changes').innerText();
    assert.match(plan, /Plan: what a real run would change/);
    assert.match(plan, /routes\[churn_model-8\]\.traffic_percentage\s+100\s+→\s+90/);
  });

  it('shows every report of the run newest first, unreadable and unknown ones included', async () => {
    await open(
      [
        'registration-promoted.json',
        'truncated.json',
        'drift-detected.json',
        'unknown-kind.json',
        'deployment-canary.json',
        'monitor-created.json',
        'not-a-report.json',
        'missing.json',
      ],
      'all-reports',
    );
    const kinds = await page.locator('.card').evaluateAll((cards) => cards.map((c) => c.getAttribute('data-kind')));
    // finishedAt: drift 06-02, monitor 05-26 09:11, deployment 09:09, registration 09:04, job-run 08:52.
    assert.deepEqual(kinds, ['drift', 'monitor', 'deployment', 'registration', 'job-run', 'unreadable', 'unreadable', 'unreadable']);
    assert.match(await text('.page__summary'), /^8 reports, newest first · 1 failed · 3 unreadable$/);
    const unreadable = await page.locator('.card[data-kind="unreadable"]').allInnerTexts();
    assert.match(unreadable[0], /truncated\.json[\s\S]*not valid JSON/);
    assert.match(unreadable[1], /not-a-report\.json[\s\S]*expected a JSON object/);
    assert.match(unreadable[2], /missing\.json[\s\S]*HTTP 404/);
    const unknown = page.locator('.card[data-kind="job-run"]');
    assert.match(await unknown.innerText(), /does not know reports of kind "job-run"[\s\S]*resultState\s+SUCCESS/);
    assert.match((await unknown.locator('.raw pre').textContent()) ?? '', /"runId": 889123/);
  });

  it('says so when the run has no report yet', async () => {
    await open([], 'empty');
    assert.equal(await page.getAttribute('#app', 'data-state'), 'empty');
    assert.match(await text('#app'), /No Databricks MLOps reports in this run yet/);
  });

  const backgroundChannels = async (selector: string): Promise<number[]> => {
    const colour = await page
      .locator(selector)
      .first()
      .evaluate((el) => getComputedStyle(el).backgroundColor);
    return (colour.match(/\d+/g) ?? []).slice(0, 3).map(Number);
  };

  it("follows the browser's dark colour scheme outside the host", async () => {
    await page.emulateMedia({ colorScheme: 'dark' });
    await open(['drift-detected.json', 'deployment-canary.json'], 'dark-preference');
    assert.equal(await page.getAttribute('html', 'data-theme'), 'dark');
    assert.ok(
      (await backgroundChannels('body')).every((c) => c < 60),
      'dark page',
    );
    assert.ok(
      (await backgroundChannels('.card')).every((c) => c < 60),
      'dark cards',
    );
  });

  it('follows a dark host theme even when the browser prefers light', async () => {
    await page.emulateMedia({ colorScheme: 'light' });
    await open(['registration-promoted.json'], 'dark-host-theme', '&hostTheme=dark');
    assert.equal(await page.getAttribute('html', 'data-theme'), 'dark');
    assert.deepEqual(await backgroundChannels('.card'), [30, 30, 30], 'the host palette is used');
    // The light theme's dark green would be unreadable on the dark card: the dark theme's lighter one is used.
    const green = await page.locator('.contender--winner .chip').evaluate((el) => getComputedStyle(el).color);
    assert.equal(green, 'rgb(108, 203, 95)');
  });
});
