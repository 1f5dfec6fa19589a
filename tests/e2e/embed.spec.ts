import { test, expect, Page, FrameLocator } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { open, setSpeed, runUntilStable, card, shot } from './util';

const views = [
  { key: 'group', label: 'Group and partitions', height: '460' },
  { key: 'timeline', label: 'Timeline', height: '340' },
  { key: 'protocol', label: 'Protocol diagram', height: '520' },
  { key: 'compare', label: 'Compare protocols', height: '960' },
];

/** What each view shows, found by role and name. */
function viewContent(frame: FrameLocator | Page, key: string) {
  switch (key) {
    case 'group':
      return frame.getByRole('region', { name: 'Group orders-app' });
    case 'timeline':
      return frame.getByRole('figure', { name: 'Ownership timeline of orders-app' });
    case 'protocol':
      return frame.getByRole('figure', { name: 'Protocol sequence diagram' });
    default:
      return frame.getByRole('region', { name: 'Compare protocols' });
  }
}

/** A session worth embedding: stable, c2 killed, stable again. */
async function playSession(page: Page) {
  await setSpeed(page, '10×');
  await runUntilStable(page, 1);
  await card(page, 'c2').getByRole('button', { name: 'Kill c2' }).click();
  await runUntilStable(page, 2);
}

/** Opens the Embed dialog and sets its fields; returns the snippet it shows. */
async function snippet(page: Page, o: { view: string; autoplay?: boolean; loop?: boolean; speed?: string; height?: string }) {
  const dialog = page.getByRole('dialog', { name: 'Embed this session' });
  if (!(await dialog.isVisible())) await page.getByRole('button', { name: 'Embed' }).click();
  await dialog.getByRole('radio', { name: o.view }).check();
  await dialog.getByRole('checkbox', { name: 'Autoplay from time zero' }).setChecked(!!o.autoplay);
  await dialog.getByRole('checkbox', { name: 'Loop at the end' }).setChecked(!!o.loop);
  if (o.speed) await dialog.getByRole('spinbutton', { name: 'Speed ×' }).fill(o.speed);
  if (o.height) await dialog.getByRole('spinbutton', { name: 'Height (px)' }).fill(o.height);
  await dialog.getByRole('spinbutton', { name: 'Height (px)' }).press('Tab');
  if (await dialog.getByRole('alert').count()) return '';
  return dialog.getByRole('textbox', { name: 'Embed code' }).inputValue();
}

function srcOf(snippetText: string): string {
  const src = /src="([^"]+)"/.exec(snippetText)![1];
  return src.replace(/&amp;/g, '&');
}

/** A documentation page holding the snippet, as a teacher would paste it. */
async function docsPage(page: Page, snippetText: string): Promise<FrameLocator> {
  await page.setContent(
    `<!DOCTYPE html><html lang="en"><head><title>Docs</title></head><body style="font:16px system-ui;max-width:960px;margin:1rem auto">
     <h1>Consumer groups</h1><p>When c2 crashes, its partitions wait for the session timeout.</p>${snippetText}</body></html>`,
  );
  return page.frameLocator('iframe');
}

async function frameTime(frame: FrameLocator): Promise<number> {
  const text = (await frame.getByRole('timer', { name: 'Simulated time' }).innerText()).replace('t =', '').trim();
  const [min, rest] = text.split(':');
  return Math.round((Number(min) * 60 + Number(rest)) * 1000);
}

test('the Embed dialog writes an iframe for each view with its options and height', async ({ page }) => {
  const errors = await open(page);
  for (const v of views) {
    const text = await snippet(page, { view: v.label });
    expect(text).toContain(`?embed=${v.key}#z=`);
    expect(text).toContain(`height="${v.height}"`);
    expect(text).toContain('width="100%"');
  }
  const whole = await snippet(page, { view: 'The whole playground' });
  expect(whole).toMatch(/src="http:\/\/127\.0\.0\.1:\d+\/#z=/);
  expect(whole).toContain('height="860"');
  const all = await snippet(page, { view: 'Timeline', autoplay: true, loop: true, speed: '2', height: '300' });
  expect(all).toContain('?embed=timeline&amp;autoplay=1&amp;speed=2&amp;loop=1#z=');
  expect(all).toContain('height="300"');
  expect(all).toContain('title="Rebalance Lab: timeline"');
  // Bad values in the dialog: said, and nothing to copy.
  await snippet(page, { view: 'Timeline', speed: '1000' });
  const dialog = page.getByRole('dialog', { name: 'Embed this session' });
  await expect(dialog.getByRole('alert')).toHaveText('Speed: give a number from 0.1 to 100.');
  await expect(dialog.getByRole('button', { name: 'Copy embed code' })).toBeDisabled();
  await snippet(page, { view: 'Timeline', speed: '4', height: '5' });
  await expect(dialog.getByRole('alert')).toContainText('Height: give a number of pixels from 120 to 4000.');
  await snippet(page, { view: 'Timeline', speed: '4', height: '340' });
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await dialog.getByRole('button', { name: 'Copy embed code' }).click();
  await expect(dialog.getByRole('status')).toHaveText('Copied: paste it into any page');
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(copied).toBe(await dialog.getByRole('textbox', { name: 'Embed code' }).inputValue());
  await shot(page, 'embed-dialog');
  expect(errors).toEqual([]);
});

for (const v of views) {
  test(`embedded ${v.key}: the view alone, paused, linking back to the same session, accessible`, async ({ page, context }) => {
    test.setTimeout(120_000);
    const errors = await open(page);
    await playSession(page);
    const text = await snippet(page, { view: v.label });
    const src = srcOf(text);
    // The embed alone, as the iframe loads it.
    await page.goto(src);
    await expect(viewContent(page, v.key)).toBeVisible();
    // No page chrome: no brand heading, lesson picker, tabs, rail or scenario file.
    await expect(page.getByRole('heading', { name: 'Rebalance Lab' })).toHaveCount(0);
    await expect(page.getByRole('combobox', { name: 'Lesson' })).toHaveCount(0);
    await expect(page.getByRole('tablist')).toHaveCount(0);
    await expect(page.getByRole('button', { name: 'Export' })).toHaveCount(0);
    await expect(page.getByRole('button', { name: 'Embed' })).toHaveCount(0);
    // Paused at the moment the embed was made.
    await expect(page.getByRole('button', { name: 'Play' })).toBeVisible();
    const t0 = await frameTime(page as any);
    expect(t0).toBeGreaterThan(10_000);
    await page.waitForTimeout(800);
    expect(await frameTime(page as any)).toBe(t0);
    // axe on the embedded view, light and dark: an embed has no theme button, it follows the
    // reader's system setting (prefers-color-scheme).
    for (const colorScheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme });
      expect(await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor)).toBe(
        colorScheme === 'dark' ? 'rgb(16, 20, 28)' : 'rgb(245, 246, 248)',
      );
      const results = await new AxeBuilder({ page }).analyze();
      const bad = results.violations.filter((x) => x.impact === 'serious' || x.impact === 'critical');
      expect(bad.map((x) => `${colorScheme}: ${x.id}: ${x.help} — ${x.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`)).toEqual([]);
    }
    await page.emulateMedia({ colorScheme: 'light' });
    // In a documentation page, at the snippet's height.
    const frame = await docsPage(page, text);
    await expect(viewContent(frame, v.key)).toBeVisible();
    const box = await page.locator('iframe').boundingBox();
    expect(Math.round(box!.height)).toBe(Number(v.height));
    await page.waitForTimeout(500);
    await shot(page, `embed-${v.key}`);
    // The link back opens the full playground with the same session, at the same moment.
    // The Protocol embed's link also carries the message selected in it.
    if (v.key === 'protocol') await viewContent(frame, v.key).getByRole('button').first().click();
    const link = frame.getByRole('link', { name: 'Open in Rebalance Lab ↗' });
    if (v.key === 'protocol') await expect(link).toHaveAttribute('href', /&view=protocol\/\d+$/);
    const href = await link.getAttribute('href');
    expect(href).not.toContain('embed=');
    expect(href).toContain('#z=');
    // It opens on the tab that shows what the embed showed (it used to open the Timeline always).
    const tab = { timeline: 'Timeline', protocol: 'Protocol' }[v.key];
    if (tab) expect(href).toContain(`&view=${v.key}`);
    expect(await link.getAttribute('target')).toBe('_blank');
    const full = await context.newPage();
    await open(full, href!);
    await expect(full.getByRole('tablist')).toBeVisible();
    const fullText = (await full.getByRole('timer', { name: 'Simulated time' }).innerText()).replace('t =', '').trim();
    expect(fullText).toBe((await frame.getByRole('timer', { name: 'Simulated time' }).innerText()).replace('t =', '').trim());
    if (tab) await expect(full.getByRole('tab', { name: tab })).toHaveAttribute('aria-selected', 'true');
    if (v.key === 'protocol') await expect(full.getByRole('complementary', { name: 'Message fields' }).locator('pre.fields')).toBeVisible();
    if (v.key === 'compare') await expect(full.getByRole('region', { name: 'Compare protocols' })).toBeVisible();
    else await expect(full.getByRole('listitem', { name: 'Consumer c2', exact: true })).toContainText('dead');
    expect(errors).toEqual([]);
  });
}

test('autoplay plays from time zero at the asked speed; without it the embed waits for Play', async ({ page }) => {
  test.setTimeout(120_000);
  const errors = await open(page);
  await playSession(page);
  const slow = srcOf(await snippet(page, { view: 'Timeline', autoplay: true, speed: '1' }));
  // 1 is the default (embed.html says so): the snippet needs no parameter for it.
  expect(slow).not.toContain('speed=');
  const fast = srcOf(await snippet(page, { view: 'Timeline', autoplay: true, speed: '50' }));
  await page.goto(slow);
  await expect(page.getByRole('button', { name: 'Pause' })).toBeVisible();
  await page.waitForTimeout(1500);
  const slowT = await frameTime(page as any);
  // From zero, about a second and a half of simulated time: not the 25+ s the session was made at.
  expect(slowT).toBeGreaterThan(0);
  expect(slowT).toBeLessThan(8_000);
  await page.goto(fast);
  await expect(page.getByRole('button', { name: 'Pause' })).toBeVisible();
  await page.waitForTimeout(1500);
  expect(await frameTime(page as any)).toBeGreaterThan(slowT * 4);
  // Paused by default; Play starts it.
  await page.goto(srcOf(await (async () => { await page.goto('/'); return snippet(page, { view: 'Timeline' }); })()));
  await expect(page.getByRole('button', { name: 'Play' })).toBeVisible();
  expect(await frameTime(page as any)).toBe(0);
  await page.getByRole('button', { name: 'Play' }).click();
  await expect.poll(() => frameTime(page as any)).toBeGreaterThan(0);
  expect(errors).toEqual([]);
});

test('loop starts again from zero at the end of the scenario', async ({ page }) => {
  test.setTimeout(120_000);
  const errors = await open(page);
  const src = srcOf(await snippet(page, { view: 'Group and partitions', autoplay: true, loop: true, speed: '100' }));
  await page.goto(src);
  // The first lesson lasts 120 s: at 100× it loops about every 1.2 s. Watch the clock go back.
  let previous = 0;
  let wrapped = false;
  for (let i = 0; i < 80 && !wrapped; i++) {
    await page.waitForTimeout(100);
    const t = await frameTime(page as any);
    if (t < previous) wrapped = true;
    previous = t;
  }
  expect(wrapped).toBe(true);
  await expect(page.getByRole('button', { name: 'Pause' })).toBeVisible();
  // Without loop it plays on past the end.
  const noLoop = srcOf(await (async () => { await page.goto('/'); return snippet(page, { view: 'Group and partitions', autoplay: true, speed: '100' }); })());
  await page.goto(noLoop);
  await expect.poll(() => frameTime(page as any), { timeout: 20_000 }).toBeGreaterThan(125_000);
  expect(errors).toEqual([]);
});

for (const [query, message] of [
  ['?embed=slides', 'embed="slides": there is no such view (views: playground, group, timeline, protocol, compare)'],
  ['?embed=timeline&speed=fast', 'speed="fast": give a speed from 0.1 to 100'],
  ['?embed=protocol&autoplay=yes', 'autoplay="yes": use 1 or 0'],
]) {
  test(`a bad embed parameter (${query}) is explained and changes nothing`, async ({ page }) => {
    const errors = await open(page, `/${query}`);
    await expect(page.getByRole('alert')).toContainText(`This embed's parameters cannot be used: ${message}. The page opened as it would without them.`);
    // The whole playground, paused at time zero, as without parameters.
    await expect(page.getByRole('tablist')).toBeVisible();
    await expect(page.getByRole('button', { name: 'Play' })).toBeVisible();
    expect(errors).toEqual([]);
  });
}

/** Serves a directory on a free port; resolves once it answers. */
async function serve(dir: string, port: number): Promise<ChildProcess> {
  const server = spawn('python3', ['-m', 'http.server', String(port), '--bind', '127.0.0.1', '--directory', dir], { stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/`);
      if (r.ok) return server;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  server.kill();
  throw new Error('the sub-path server did not start');
}

test('dist/ works from a sub-path: the playground, an embed and embed.html under /docs/lab/', async ({ page }) => {
  test.setTimeout(120_000);
  // The build under test: E2E_DIST (relative to tests/e2e, as in playwright.config.ts) or target/e2e-dist.
  const dist = path.resolve(__dirname, process.env.E2E_DIST ?? '../../target/e2e-dist');
  const site = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-site-'));
  fs.mkdirSync(path.join(site, 'docs'));
  fs.symlinkSync(dist, path.join(site, 'docs', 'lab'));
  const port = Number(process.env.E2E_PORT ?? '8090') + 1;
  const server = await serve(site, port);
  try {
    const base = `http://127.0.0.1:${port}/docs/lab/`;
    // Every file the page asks for is found under the sub-path.
    const missing: string[] = [];
    page.on('response', (r) => {
      if (r.status() >= 400) missing.push(`${r.status()} ${r.url()}`);
    });
    const errors = await open(page, base);
    await expect(page.getByRole('tablist')).toBeVisible();
    const text = await snippet(page, { view: 'Group and partitions' });
    expect(text).toContain(`src="${base}?embed=group#z=`);
    await page.goto(srcOf(text));
    await expect(viewContent(page, 'group')).toBeVisible();
    await page.goto(`${base}embed.html`);
    for (const v of ['timeline', 'group', 'protocol', 'compare']) {
      await page.locator(`iframe[data-example="${v}"]`).scrollIntoViewIfNeeded();
      await expect(page.frameLocator(`iframe[data-example="${v}"]`).getByRole('link', { name: 'Open in Rebalance Lab ↗' })).toBeVisible({ timeout: 30_000 });
    }
    await shot(page, 'embed-docs-page');
    expect(missing).toEqual([]);
    expect(errors).toEqual([]);
  } finally {
    server.kill();
  }
});
