/**
 * The production bundle (ui/build.mjs output) inside a fake Azure DevOps host page in headless
 * Chromium: the SDK handshake, the build id from the build page data service or from the
 * configuration's onBuildChanged, the REST calls through BuildRestClient with the host's token,
 * notifyLoadSucceeded and the host theme.
 */
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import type { Page } from 'playwright-core';

import { FAKE_HOST_BUILD_ID, FAKE_HOST_PROJECT, FAKE_HOST_TOKEN } from './harness/constants';
import { SCREENSHOTS, useTabBrowser } from './harness/browser';

interface HostState {
  hostLog: Array<{ instanceId?: string; methodName?: string; params?: unknown[] }>;
  loadSucceeded?: boolean;
  loadFailed?: unknown;
  lastResize?: number[];
}

describe('results tab in a fake Azure DevOps host (production bundle)', function () {
  this.timeout(90_000);
  const chrome = useTabBrowser({ productionBundle: true });
  let page: Page;

  beforeEach(async () => {
    chrome.harness.apiRequests.length = 0;
    page = await chrome.browser.newPage({ viewport: { width: 1100, height: 900 }, locale: 'en-US', timezoneId: 'UTC' });
  });

  afterEach(async () => {
    await page.close();
  });

  async function openHost(query: string, screenshot: string): Promise<HostState> {
    await page.goto(`${chrome.harness.url}host.html?${query}`);
    const tab = page.frameLocator('iframe');
    await tab.locator('#app[data-state="ready"], #app[data-state="empty"], #app[data-state="error"]').waitFor({ timeout: 20_000 });
    await page.waitForFunction(() => (window as unknown as HostState).loadSucceeded === true || (window as unknown as HostState).loadFailed !== undefined);
    await page.screenshot({ path: join(SCREENSHOTS, `${screenshot}.png`) });
    return page.evaluate(() => {
      const state = window as unknown as HostState;
      return { hostLog: state.hostLog, loadSucceeded: state.loadSucceeded, loadFailed: state.loadFailed, lastResize: state.lastResize };
    });
  }

  function assertRestCalls(names: string[]): void {
    const requests = chrome.harness.apiRequests;
    assert.equal(requests.length, 1 + names.length, JSON.stringify(requests, null, 2));
    for (const request of requests) {
      assert.equal(request.method, 'GET');
      assert.equal(request.authorization, `Bearer ${FAKE_HOST_TOKEN}`, 'the host access token is sent');
    }
    assert.match(requests[0].path, new RegExp(`/${FAKE_HOST_PROJECT}/_apis/build/builds/${FAKE_HOST_BUILD_ID}/attachments/databricks-mlops-report$`));
    assert.match(requests[0].accept, /^application\/json;api-version=/);
    const downloaded = requests
      .slice(1)
      .map((r) => decodeURIComponent(r.path.split('/').pop() ?? ''))
      .sort();
    assert.deepEqual(downloaded, [...names].sort());
    for (const request of requests.slice(1)) {
      assert.match(request.path, /\/_apis\/build\/builds\/4711\/0c4e3b1f-7e3d-4a5c-9a51-6f0a2d1e9b77\/a1b2c3d4-0000-4000-8000-\d{12}\/attachments\/databricks-mlops-report\//);
      assert.match(request.accept, /^application\/octet-stream;api-version=/);
    }
  }

  it('finds the build through the build page data service, loads the attachments and reports success', async () => {
    const names = ['deployment-canary.json', 'drift-detected.json'];
    const state = await openHost(`reports=${names.join(',')}&via=service`, 'host-service');
    const tab = page.frameLocator('iframe');
    assert.deepEqual(await tab.locator('.card').evaluateAll((cards) => cards.map((c) => c.getAttribute('data-kind'))), ['drift', 'deployment']);
    assert.deepEqual(await tab.locator('.card[data-kind="deployment"] .traffic .split').nth(1).locator('.split__segment').allInnerTexts(), ['v7 90%', 'v8 10%']);
    assert.equal(state.loadSucceeded, true);
    assert.equal(state.loadFailed, undefined);
    const calls = state.hostLog.map((c) => `${c.instanceId}:${c.methodName}`);
    assert.equal(calls[0], 'DevOps.HostControl:initialHandshake');
    assert.ok(calls.includes('DevOps.ServiceManager:getService'));
    assert.deepEqual(
      state.hostLog
        .filter((c) => c.methodName === 'getService')
        .map((c) => c.params?.[0])
        .sort(),
      ['ms.vss-build-web.build-page-data-service', 'ms.vss-features.location-service'],
    );
    assert.ok(calls.includes('DevOps.HostControl:notifyLoadSucceeded'));
    assert.ok(state.lastResize && state.lastResize[1] > 900, `the tab asked for its content height, got ${JSON.stringify(state.lastResize)}`);
    assertRestCalls(names);
  });

  it("finds the build through the configuration's onBuildChanged when the host passes it", async () => {
    const names = ['registration-promoted.json', 'truncated.json'];
    const state = await openHost(`reports=${names.join(',')}&via=config`, 'host-config');
    const tab = page.frameLocator('iframe');
    assert.deepEqual(await tab.locator('.card').evaluateAll((cards) => cards.map((c) => c.getAttribute('data-kind'))), ['registration', 'unreadable']);
    assert.equal(state.loadSucceeded, true);
    assert.ok(!state.hostLog.some((c) => c.params?.[0] === 'ms.vss-build-web.build-page-data-service'), 'the page data service is not needed');
    assertRestCalls(names);
  });

  it('applies the host theme from the handshake', async () => {
    await page.emulateMedia({ colorScheme: 'light' });
    await openHost('reports=drift-detected.json&via=service&theme=dark', 'host-dark-theme');
    const tab = page.frameLocator('iframe');
    assert.equal(await tab.locator('html').getAttribute('data-theme'), 'dark');
    assert.equal(
      await tab
        .locator('.card')
        .first()
        .evaluate((el) => getComputedStyle(el).backgroundColor),
      'rgb(30, 30, 30)',
    );
  });

  it('shows the empty state for a run without reports', async () => {
    const state = await openHost('reports=&via=service', 'host-empty');
    assert.match(await page.frameLocator('iframe').locator('#app').innerText(), /No Databricks MLOps reports in this run yet/);
    assert.equal(state.loadSucceeded, true);
  });
});
