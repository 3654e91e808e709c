/**
 * The production bundle (ui/build.mjs output) as the classic release-stage tab, inside a fake
 * Azure DevOps host page in headless Chromium: the stage from the configuration's
 * `releaseEnvironment`, the Release API (its own resource area) with the host's token, the
 * latest deployment attempt's plans, the same cards as the build tab, `updateContext` when the
 * shown stage changes, stages without reports or without a deployment, and a report written by
 * an older extension version. The release: tests/ui/harness/release.ts.
 */
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import type { Page } from 'playwright-core';

import { FAKE_HOST_PROJECT, FAKE_HOST_TOKEN } from './harness/constants';
import { PLANS } from './harness/release';
import { SCREENSHOTS, useTabBrowser } from './harness/browser';

interface HostState {
  hostLog: Array<{ instanceId?: string; methodName?: string; params?: unknown[] }>;
  loadSucceeded?: boolean;
  loadFailed?: unknown;
}

describe('results tab as the release-stage tab in a fake Azure DevOps host (production bundle)', function () {
  this.timeout(90_000);
  const chrome = useTabBrowser({ productionBundle: true });
  let page: Page;
  let consoleErrors: string[];

  beforeEach(async () => {
    chrome.harness.apiRequests.length = 0;
    page = await chrome.browser.newPage({ viewport: { width: 1100, height: 900 }, locale: 'en-US', timezoneId: 'UTC' });
    consoleErrors = [];
    page.on('pageerror', (error) => consoleErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
  });

  afterEach(async () => {
    await page.close();
  });

  const tab = () => page.frameLocator('iframe');
  const kinds = () =>
    tab()
      .locator('.card')
      .evaluateAll((cards) => cards.map((c) => `${c.getAttribute('data-kind')}:${c.getAttribute('data-result') ?? ''}`));

  async function openStage(release: number, stage: number, screenshot: string): Promise<HostState> {
    await page.goto(`${chrome.harness.url}host.html?host=release&release=${release}&stage=${stage}`);
    await tab().locator('#app[data-state="ready"], #app[data-state="empty"], #app[data-state="error"]').waitFor({ timeout: 20_000 });
    await page.waitForFunction(() => (window as unknown as HostState).loadSucceeded === true || (window as unknown as HostState).loadFailed !== undefined);
    await page.screenshot({ path: join(SCREENSHOTS, `${screenshot}.png`), fullPage: true });
    return page.evaluate(() => {
      const state = window as unknown as HostState;
      return { hostLog: state.hostLog, loadSucceeded: state.loadSucceeded, loadFailed: state.loadFailed };
    });
  }

  function releasePaths(): string[] {
    for (const request of chrome.harness.apiRequests) {
      assert.equal(request.method, 'GET');
      assert.equal(request.authorization, `Bearer ${FAKE_HOST_TOKEN}`, 'the host access token is sent');
    }
    assert.ok(
      chrome.harness.apiRequests.every((r) => r.path.startsWith('/vsrm/')),
      'only the Release API (its resource area) is called, never the build API',
    );
    return chrome.harness.apiRequests.map((r) => decodeURIComponent(r.path));
  }

  it('failed Prod stage: reports of the latest attempt from every job, the failed deployment first-class', async () => {
    const state = await openStage(77, 302, 'release-prod-failed');
    assert.equal(state.loadSucceeded, true);
    assert.equal(state.loadFailed, undefined);
    assert.equal(await tab().locator('#app').getAttribute('data-state'), 'ready');
    const summary = await tab().locator('.page__summary').innerText();
    assert.match(summary, /^Stage Prod · attempt 2 · 3 reports, newest first/);
    assert.match(summary, /unreadable/);
    const shown = await kinds();
    assert.ok(shown.includes('deployment:Failed'), JSON.stringify(shown));
    assert.ok(
      shown.some((k) => k.startsWith('drift:')),
      JSON.stringify(shown),
    );
    assert.equal(shown[shown.length - 1], 'unreadable:', 'the truncated attachment comes last, with its reason');
    const failed = tab().locator('.card[data-kind="deployment"][data-result="Failed"]');
    assert.match(await failed.locator('.card__message').innerText(), /rolled back to version 8/);
    // Attempt 1's plan (deployment-plan.json) is not shown: only the latest attempt counts.
    assert.equal(await tab().locator('.card[data-kind="deployment"]').count(), 1);

    const paths = releasePaths();
    assert.equal(paths[0], `/vsrm/${FAKE_HOST_PROJECT}/_apis/Release/releases/77`);
    assert.match(chrome.harness.apiRequests[0].accept, /^application\/json;api-version=7\.2-preview\.\d+/);
    const lists = paths.filter((p) => p.endsWith('/attachments/databricks-mlops-report')).sort();
    assert.deepEqual(
      lists,
      [PLANS.prodDeploy, PLANS.prodGate]
        .map((plan) => `/vsrm/${FAKE_HOST_PROJECT}/_apis/Release/releases/77/environments/302/attempts/2/plan/${plan}/attachments/databricks-mlops-report`)
        .sort(),
    );
    const downloads = paths.filter((p) => p.includes('/timelines/'));
    assert.equal(downloads.length, 3);
    for (const request of chrome.harness.apiRequests.filter((r) => r.path.includes('/timelines/'))) {
      assert.match(request.path, /\/attempts\/2\/plan\/[0-9a-f-]{36}\/timelines\/[0-9a-f-]{36}\/records\/[0-9a-f-]{36}\/attachments\/databricks-mlops-report\//);
      assert.match(request.accept, /^application\/octet-stream;api-version=/);
    }
    assert.ok(!paths.some((p) => p.includes(PLANS.prodAttempt1)), 'the earlier attempt is not read');
    assert.deepEqual(
      state.hostLog.filter((c) => c.methodName === 'getService').map((c) => c.params?.[0]),
      ['ms.vss-features.location-service'],
    );
    assert.deepEqual(
      consoleErrors.filter((e) => !/404/.test(e)),
      [],
    );
  });

  it('succeeded Dev stage: the same cards as the build tab, and a report from an older extension version', async () => {
    const state = await openStage(77, 301, 'release-dev');
    assert.equal(state.loadSucceeded, true);
    assert.match(await tab().locator('.page__summary').innerText(), /^Stage Dev · attempt 1 · 3 reports/);
    assert.deepEqual((await kinds()).sort(), ['deployment:Succeeded', 'deployment:Succeeded', 'registration:Succeeded']);
    assert.deepEqual(await tab().locator('.card[data-kind="deployment"] .traffic .split').nth(1).locator('.split__segment').allInnerTexts(), ['v7 90%', 'v8 10%']);
    // The pre-1.0 report (no version, no finishedAt, old data shape) still gets a card with its message and raw JSON.
    const legacy = tab().locator('.card', { hasText: 'Endpoint churn-scoring serves version 5.' });
    assert.equal(await legacy.count(), 1);
    assert.equal(await legacy.locator('.card__title').innerText(), 'Serving endpoint churn-scoring');
    assert.match(await legacy.locator('.card__heading').innerText(), /Succeeded/);
    assert.match((await legacy.locator('details.raw pre').textContent()) ?? '', /servedModels/);
    assert.deepEqual(
      consoleErrors.filter((e) => !/404/.test(e)),
      [],
    );
  });

  it('follows the host to another stage through updateContext on the registered object', async () => {
    await openStage(77, 301, 'release-switch-before');
    assert.match(await tab().locator('.page__summary').innerText(), /^Stage Dev/);
    await page.evaluate(() => (window as unknown as { showStage(id: number): void }).showStage(302));
    await tab().locator('.page__summary', { hasText: 'Stage Prod · attempt 2' }).waitFor({ timeout: 20_000 });
    assert.ok((await kinds()).includes('deployment:Failed'));
    assert.equal(await tab().locator('.card[data-result="Succeeded"][data-kind="registration"]').count(), 0, "Dev's cards are gone");
  });

  it('a stage that ran without reports shows the empty state', async () => {
    const state = await openStage(78, 401, 'release-no-reports');
    assert.equal(state.loadSucceeded, true);
    assert.equal(await tab().locator('#app').getAttribute('data-state'), 'empty');
    assert.match(await tab().locator('#app').innerText(), /No Databricks MLOps reports in stage Dev/);
  });

  it('a stage that was never deployed says so, without reading attachments', async () => {
    const state = await openStage(78, 402, 'release-not-deployed');
    assert.equal(state.loadSucceeded, true);
    assert.match(await tab().locator('#app').innerText(), /Stage Prod has not been deployed yet/);
    assert.deepEqual(releasePaths(), [`/vsrm/${FAKE_HOST_PROJECT}/_apis/Release/releases/78`]);
  });
});
