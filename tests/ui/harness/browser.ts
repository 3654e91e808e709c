/**
 * The browser side every results-tab suite shares: Debian's Chromium driven by playwright-core
 * (skipped with a note where it is not installed), the harness server, and, for the suites that
 * test what ships, the production bundle built by ui/build.mjs into a folder of its own.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { chromium } from 'playwright-core';

import { repoRoot } from '../../helpers/repo';
import type { Harness } from './server';
import { startHarness } from './server';

export const CHROMIUM = '/usr/bin/chromium';
/** Headless, and none of Chromium's background connections (the network is closed here). */
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
export const SCREENSHOTS = join(repoRoot(), 'tests', '.artifacts', 'screenshots');

export interface TabBrowser {
  readonly browser: Browser;
  readonly harness: Harness;
}

/**
 * Registers the suite's before/after hooks: Chromium and the harness (serving the production
 * bundle when `productionBundle`, else the harness's own entry). Call inside a `describe`.
 */
export function useTabBrowser(opts: { productionBundle?: boolean } = {}): TabBrowser {
  let browser: Browser | undefined;
  let harness: Harness | undefined;
  let tabDir: string | undefined;
  before(async function () {
    if (!existsSync(CHROMIUM)) {
      console.warn(`    skipped: ${CHROMIUM} not found (apt-get install chromium; CI installs it)`);
      this.skip();
    }
    mkdirSync(SCREENSHOTS, { recursive: true });
    if (opts.productionBundle) {
      tabDir = mkdtempSync(join(tmpdir(), 'mlops-tab-'));
      const built = spawnSync(process.execPath, [join(repoRoot(), 'ui', 'build.mjs'), '--outdir', tabDir], { encoding: 'utf8' });
      assert.equal(built.status, 0, `ui/build.mjs failed: ${built.stderr}`);
    }
    harness = await startHarness(tabDir);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });
  after(async () => {
    await browser?.close();
    await harness?.close();
    if (tabDir) rmSync(tabDir, { recursive: true, force: true });
  });
  return {
    get browser() {
      assert.ok(browser, "Chromium starts in the suite's before hook");
      return browser;
    },
    get harness() {
      assert.ok(harness, "the harness starts in the suite's before hook");
      return harness;
    },
  };
}
