/**
 * The explorer page in a real browser: Debian's chromium, driven by
 * playwright-core (which never downloads a browser). One launch for every
 * check. INTERLEAVE_SKIP_BROWSER=1 skips the suite; without that, a missing
 * chromium fails it with the command that installs it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderExplorer } from '../../../src/cli/explorer-file.js';
import { buildReport } from '../../../src/explain/report.js';
import { check } from '../../../src/explore/check.js';
import { compileModel } from '../../../src/explore/compile.js';
import { createRandom } from '../../../src/explore/simulate.js';
import { ModelBuilder, sourceIn } from '../../../src/index.js';
import { explorerDataOfModel, explorerDataOfReport } from '../../../src/render/explorer/explorer-data.js';
import { exploreCase, SEMAPHORE_DEADLOCK } from '../../explain/acceptance-cases.js';
import { flagBeforePrepare, wokenBeforeItSlept } from '../../support/wake-races.js';

const skip = process.env.INTERLEAVE_SKIP_BROWSER === '1';

function findChromium(): string | undefined {
  const given = process.env.INTERLEAVE_CHROMIUM;
  if (given) return given;
  for (const name of ['chromium', 'chromium-browser', 'google-chrome']) {
    try {
      return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim() || undefined;
    } catch { /* not this one */ }
  }
  return undefined;
}

/** Mutexes taken and given back forever: any number of steps without an end. */
function loopingModel() {
  const at = sourceIn('kernel/locking/example.c', 'v6.6');
  const b = new ModelBuilder('example/loop');
  const m = b.mutex('m');
  for (const name of ['a', 'b', 'c']) {
    b.process(name, {}, (p) => p
      .step('lock', { action: 'mutex_lock(&m)', source: at(10, `${name}_work`), op: m.lock() })
      .step('unlock', { action: 'mutex_unlock(&m)', source: at(12, `${name}_work`), op: m.unlock(), goto: 'lock' }));
  }
  return b.build();
}

/** A seeded random walk of `steps` steps: a simulated schedule. */
function randomWalk(cm: ReturnType<typeof compileModel>, steps: number, seed: number): number[] {
  const random = createRandom(seed);
  const path: number[] = [];
  let s = cm.initialState();
  const out = new Int32Array(cm.slotCount);
  for (let i = 0; i < steps; i++) {
    const ids: number[] = [];
    cm.successors(s, out, (id) => { ids.push(id); });
    const id = ids[Math.floor(random() * ids.length)];
    const next = new Int32Array(cm.slotCount);
    cm.runStep(id, s, next);
    path.push(id);
    s = next;
  }
  return path;
}

const chromium = skip ? undefined : findChromium();

if (skip) {
  describe.skip('explorer.html in Chromium (skipped: INTERLEAVE_SKIP_BROWSER=1)', () => {
    it('opens, steps, branches, links and scrolls', () => {});
  });
} else if (!chromium) {
  describe('explorer.html in Chromium', () => {
    it('needs chromium', () => {
      expect.fail('the browser suite needs chromium: install it with `apt-get install -y chromium` (.ci/run does this), ' +
        'point INTERLEAVE_CHROMIUM at a Chromium binary, or set INTERLEAVE_SKIP_BROWSER=1 to skip the suite');
    });
  });
} else {
  describe('explorer.html in Chromium', () => {
    const dir = mkdtempSync(join(tmpdir(), 'interleave-explorer-'));
    const shots = join(process.cwd(), 'out', 'explorer-screenshots');
    const semaphore = exploreCase(SEMAPHORE_DEADLOCK);
    const cx = semaphore.report.counterexample!;
    const pathLength = semaphore.report.result.discovery!.path.length;
    let browser: Browser;
    let page: Page;
    const errors: string[] = [];
    let deadlockUrl = '';
    let longUrl = '';
    let lostUrl = '';
    let earlyUrl = '';
    let earlyWake = { step: 0, mark: '' };

    const ready = async () => {
      await page.waitForSelector('body[data-ready=true]');
      await page.waitForFunction(() => document.querySelector('#graph')?.getAttribute('aria-busy') === 'false');
    };
    const atStep = async (n: number) => {
      await page.waitForFunction((k) => document.querySelector('#graph')?.getAttribute('data-step') === String(k)
        && document.querySelector('#graph')?.getAttribute('aria-busy') === 'false', n);
    };
    const text = (selector: string) => page.locator(selector).innerText();

    beforeAll(async () => {
      const deadlockFile = join(dir, 'semaphore', 'explorer.html');
      mkdirSync(join(dir, 'semaphore'));
      writeFileSync(deadlockFile, await renderExplorer(explorerDataOfReport(semaphore.report, semaphore.cm.model)));
      const loop = compileModel(loopingModel());
      const longFile = join(dir, 'long.html');
      writeFileSync(longFile, await renderExplorer(explorerDataOfModel(loop.model, 'example/loop (simulated)', randomWalk(loop, 2000, 7))));
      const lost = compileModel(flagBeforePrepare('example/lost-wakeup'));
      const lostFile = join(dir, 'lost-wakeup.html');
      writeFileSync(lostFile, await renderExplorer(explorerDataOfReport(buildReport(lost, check(lost).run()), lost.model)));
      lostUrl = pathToFileURL(lostFile).href;
      const early = compileModel(wokenBeforeItSlept());
      const earlyReport = buildReport(early, check(early).run());
      const trace = earlyReport.counterexample!.trace;
      const wake = trace.findIndex((t) => t.process === 'producer' && t.step === 'wake');
      earlyWake = { step: wake + 1, mark: `woke ${trace[wake].woke![0].process}, not yet asleep` };
      const earlyFile = join(dir, 'woken-early.html');
      writeFileSync(earlyFile, await renderExplorer(explorerDataOfReport(earlyReport, early.model)));
      earlyUrl = pathToFileURL(earlyFile).href;
      deadlockUrl = pathToFileURL(deadlockFile).href;
      longUrl = pathToFileURL(longFile).href;
      const { chromium: launcher } = await import('playwright-core').catch((e: unknown) => {
        throw new Error(`playwright-core is not installed (run npm ci): ${String(e)}`);
      });
      browser = await launcher.launch({ executablePath: chromium, args: ['--no-sandbox'] });
      page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      page.setDefaultTimeout(30_000);
      page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
      page.on('pageerror', (e) => errors.push(e.message));
    });

    afterAll(async () => {
      await browser?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('opens the semaphore deadlock from file:// with no console error', async () => {
      await page.goto(deadlockUrl);
      await ready();
      expect(errors).toEqual([]);
      expect(await text('#position')).toBe(`step 0 of ${pathLength}`);
      expect(await page.locator('#lanes-head .lane-name').allInnerTexts()).toEqual(semaphore.cm.layout.processes.map((p) => p.name));
      // Keyboard focus is visible: a thick outline on the focused control.
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => getComputedStyle(document.activeElement!).outlineWidth)).toBe('3px');
    });

    it('shows the cycle at the last step, marked in the graph', async () => {
      await page.keyboard.press('End');
      await atStep(pathLength);
      expect(await text('#graph-summary')).toBe(`cycle: ${cx.analysis.cycle!.text}`);
      expect(await page.locator('#graph svg g.edge.cycle').count()).toBe(cx.analysis.cycle!.edges.length);
      expect(await text('#whatif')).toContain('a deadlock');
      // The slice toggle keeps the start and the steps the final state depends on.
      await page.check('#slice');
      expect(await page.locator('#lanes-body .row').evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-step')))))
        .toEqual([0, ...cx.slice.indices]);
      await page.uncheck('#slice');
      await page.keyboard.press('ArrowLeft');
      await atStep(pathLength - 1);
      expect(await text('#graph-summary')).not.toMatch(/^cycle:/);
      expect(await page.locator('#graph svg g.edge.cycle').count()).toBe(0);
      await page.keyboard.press('End');
      await atStep(pathLength);
      mkdirSync(shots, { recursive: true });
      await page.screenshot({ path: join(shots, 'semaphore-deadlock-wide.png') });
      if (process.env.INTERLEAVE_UPDATE_SCREENSHOTS === '1') await page.screenshot({ path: join(process.cwd(), 'docs', 'explorer-semaphore-deadlock.png') });
      await page.setViewportSize({ width: 420, height: 900 });
      await page.screenshot({ path: join(shots, 'semaphore-deadlock-narrow.png') });
      expect(await page.locator('#lanes-head').isVisible()).toBe(false);
      await page.setViewportSize({ width: 1400, height: 900 });
      expect(errors).toEqual([]);
    });

    it('branches at step 6 with another enabled step: the state changes, back returns', async () => {
      await page.keyboard.press('Home');
      for (let i = 0; i < 6; i++) await page.keyboard.press('ArrowRight');
      await atStep(6);
      const before = await text('#state');
      const alternatives = page.locator('#whatif button.choice:not(.next)');
      expect(await alternatives.count()).toBeGreaterThan(0);
      await alternatives.first().click();
      await atStep(7);
      expect(await text('#state')).not.toBe(before);
      expect(await text('#branch-note')).toContain('after step 6');
      expect(page.url()).toMatch(/#m=[0-9a-f]{8}&p=r6\.\d+&s=7$/);
      await page.click('#back');
      await atStep(6);
      expect(await text('#state')).toBe(before);
      expect(page.url()).toMatch(/&p=r&s=6$/);
      await alternatives.first().click();
      await atStep(7);
      expect(errors).toEqual([]);
    });

    it('reopens the same point from the URL fragment after a reload, and says when a link does not fit', async () => {
      const url = page.url();
      const state = await text('#state');
      await page.reload();
      await ready();
      expect(page.url()).toBe(url);
      expect(await text('#position')).toBe('step 7 of 7');
      expect(await text('#state')).toBe(state);
      expect(await page.locator('.row.current').getAttribute('data-step')).toBe('7');
      expect(await page.locator('#message').isHidden()).toBe(true);

      await page.goto(url.replace(/#m=[0-9a-f]{8}/, '#m=00000000'));
      await page.reload();
      await ready();
      expect(await text('#message')).toContain('another model or other parameters');
      expect(await text('#position')).toBe(`step 0 of ${pathLength}`);
      expect(errors).toEqual([]);
    });

    it('marks a wake-up that woke nobody, as the trace table does', async () => {
      await page.goto(lostUrl);
      await ready();
      // consumer test, producer write, producer wake (the queue still empty), consumer prepare, consumer sleep.
      expect(await page.locator('#lanes-body .row[data-step="3"] .tag.wake-note').innerText()).toBe('woke nobody');
      expect(await page.locator('#lanes-body .tag.wake-note').count()).toBe(1);
      for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
      await atStep(3);
      expect(await text('#current-step')).toContain('wake_up(&wq) (woke nobody)');
      expect(errors).toEqual([]);
    });

    it('marks a wake-up that reached a task not yet asleep, naming it as the trace table does', async () => {
      await page.goto(earlyUrl);
      await ready();
      expect(await page.locator(`#lanes-body .row[data-step="${earlyWake.step}"] .tag.wake-note`).innerText()).toBe(earlyWake.mark);
      expect(await page.locator('#lanes-body .tag.wake-note').count()).toBe(1);
      expect(errors).toEqual([]);
    });

    it('stays virtualised on a 2,000-step simulated schedule and scrolls to its end', async () => {
      await page.goto(longUrl);
      await ready();
      expect(await text('#position')).toBe('step 0 of 2000');
      expect(await page.locator('#lanes-body .row').count()).toBeLessThan(100);
      await page.locator('#lanes-scroll').evaluate((el) => { el.scrollTop = el.scrollHeight; });
      await page.waitForSelector('#lanes-body .row[data-step="2000"]');
      expect(await page.locator('#lanes-body .row').count()).toBeLessThan(100);
      await page.keyboard.press('End');
      await atStep(2000);
      expect(await page.locator('.row.current').getAttribute('data-step')).toBe('2000');
      await page.keyboard.press('Home');
      await atStep(0);
      expect(await page.locator('#lanes-body .row[data-step="0"]').isVisible()).toBe(true);
      // Printing puts every row in the page, and afterwards only the visible ones again.
      await page.evaluate(() => window.dispatchEvent(new Event('beforeprint')));
      expect(await page.locator('#lanes-body .row').count()).toBe(2001);
      await page.evaluate(() => window.dispatchEvent(new Event('afterprint')));
      expect(await page.locator('#lanes-body .row').count()).toBeLessThan(100);
      expect(errors).toEqual([]);
    });
  });
}
