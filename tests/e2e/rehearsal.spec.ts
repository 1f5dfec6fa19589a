import { test, expect, Page } from '@playwright/test';
import * as path from 'path';
import { open, setSpeed, runUntilStable, card, group, play, pause, simTime, screenshotDir } from './util';

// Issue 13, "Found when rehearsing a 10-minute lecture at 1280×720": one test per item, each at the
// projector's size, each failing if the thing that got in the way came back.

test.beforeEach(async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  (page as any).__errors = await open(page);
});

test.afterEach(async ({ page }) => {
  expect((page as any).__errors ?? []).toEqual([]);
});

async function viewportShot(page: Page, name: string) {
  await page.screenshot({ path: path.join(screenshotDir, `rehearsal-${name}.png`), fullPage: false });
}

/** Stable, then c3 killed, then Stable again at generation 2. */
async function killC3(page: Page) {
  await setSpeed(page, '10×');
  await runUntilStable(page, 1);
  await card(page, 'c3').getByRole('button', { name: 'Kill c3' }).click();
  await runUntilStable(page, 2);
}

/** Compare mode has no single group panel: play until the clock passes `ms`, then pause. */
async function runPast(page: Page, ms: number) {
  await play(page);
  await expect.poll(() => simTime(page), { timeout: 30_000 }).toBeGreaterThan(ms);
  await pause(page);
}

/** "12 ms", "4.0 s", "3" → a number in the row's unit (ms for durations). */
function cellValue(text: string): number {
  const t = text.replace('✓', '').trim();
  if (t.endsWith(' ms')) return Number(t.slice(0, -3));
  if (t.endsWith(' s')) return Number(t.slice(0, -2)) * 1000;
  return Number(t);
}

test('Compare: the partitions-consumed line does not drop to 0 at the current time, and has a legend', async ({ page }) => {
  await page.getByRole('button', { name: 'Compare protocols' }).click();
  await setSpeed(page, '10×');
  await runPast(page, 12_000);
  const plot = page.getByRole('img', { name: 'Partitions consumed over time' });
  for (const lane of [0, 1]) {
    const points = (await plot.locator(`polyline.lane-${lane}`).getAttribute('points'))!.trim().split(' ');
    const ys = points.map((p) => Number(p.split(',')[1]));
    // The top of the plot (all 6 consumed) is the smallest y; the line ends there, not at 0.
    expect(ys[ys.length - 1]).toBeCloseTo(Math.min(...ys), 1);
  }
  const legend = page.getByRole('list', { name: 'Lines' });
  await expect(legend.getByRole('listitem')).toHaveCount(3);
  await expect(legend.getByRole('listitem').nth(0)).toContainText('(thick line)');
  await expect(legend.getByRole('listitem').nth(1)).toContainText('(thin line)');
  await expect(legend.getByRole('listitem').nth(2)).toContainText('(dashed line)');
  await viewportShot(page, 'compare');
});

test('Protocol: every consumer lane is visible, no inner scrollbar', async ({ page }) => {
  await setSpeed(page, '10×');
  await runUntilStable(page, 1);
  await page.getByRole('tab', { name: 'Protocol' }).click();
  const wrap = page.locator('.sequence-wrap');
  const { scroll, client } = await wrap.evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
  expect(scroll).toBeLessThanOrEqual(client);
  const box = (await wrap.boundingBox())!;
  for (const h of ['coordinator', 'c1', 'c2', 'c3']) {
    const lane = (await page.getByRole('figure', { name: 'Protocol sequence diagram' }).locator('g.lane', { has: page.locator(`text=/^${h}( ★ leader)?$/`) }).boundingBox())!;
    expect(lane.x + lane.width, `lane ${h}`).toBeLessThanOrEqual(box.x + box.width + 1);
  }
  // Seven consumers on a projector: still no sideways scrollbar.
  await page.getByLabel('Lesson').selectOption({ label: 'More consumers than partitions' });
  await runUntilStable(page, 1);
  const seven = await wrap.evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
  expect(seven.scroll).toBeLessThanOrEqual(seven.client);
  await viewportShot(page, 'protocol-seven');
});

test('Protocol: a Heartbeat REBALANCE_IN_PROGRESS label does not overlap the time column', async ({ page }) => {
  await killC3(page);
  await page.getByRole('tab', { name: 'Protocol' }).click();
  const svg = page.getByRole('figure', { name: 'Protocol sequence diagram' });
  await expect(svg.locator('text.msg-label', { hasText: 'Heartbeat REBALANCE_IN_PROGRESS' }).first()).toBeVisible();
  const timeRight = Math.max(...(await svg.locator('text.msg-time').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().right))));
  const labelLefts = await svg.locator('text.msg-label').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().left));
  expect(labelLefts.length).toBeGreaterThan(5);
  for (const left of labelLefts) expect(left).toBeGreaterThan(timeRight);
  await page.locator('.protocol').screenshot({ path: path.join(screenshotDir, 'rehearsal-protocol-labels.png') });
});

test('A dead card does not offer Kill', async ({ page }) => {
  await killC3(page);
  const dead = card(page, 'c3');
  await expect(dead.getByLabel('Consumer state')).toHaveText('dead');
  await expect(dead.getByRole('button', { name: 'Kill c3' })).toHaveCount(0);
  await expect(dead.getByRole('button', { name: 'Restart c3' })).toBeVisible();
});

test("The rail's consumer count leaves out dead ones", async ({ page }) => {
  await killC3(page);
  const line = page.getByRole('region', { name: 'Cluster overview' }).getByRole('listitem').filter({ hasText: /^orders-app/ });
  await expect(line).toHaveText('orders-app · 2 consumers · 1 stopped');
});

test('"Link copied" neither wraps the header nor moves the page', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const bar = page.locator('header.topbar');
  const main = page.locator('main.main');
  const before = { bar: (await bar.boundingBox())!.height, main: (await main.boundingBox())!.y };
  await page.getByRole('button', { name: 'Copy share link' }).click();
  await expect(page.getByText(/Link copied/)).toBeVisible();
  expect((await bar.boundingBox())!.height).toBe(before.bar);
  expect((await main.boundingBox())!.y).toBe(before.main);
});

test('The Code tab for Kafka default writes both default assignors', async ({ page }) => {
  await page.getByRole('tab', { name: 'Code' }).click();
  await expect(page.locator('.tab-body')).toContainText(
    'props.put("partition.assignment.strategy", "org.apache.kafka.clients.consumer.RangeAssignor,org.apache.kafka.clients.consumer.CooperativeStickyAssignor");',
  );
});

test('Back-row text sizes: tile owners, card timers and member ids at 14 px or more', async ({ page }) => {
  await setSpeed(page, '10×');
  await runUntilStable(page, 1);
  const px = (sel: string) => page.locator(sel).first().evaluate((e) => parseFloat(getComputedStyle(e).fontSize));
  expect(await px('.cell .powner')).toBeGreaterThanOrEqual(14);
  expect(await px('.meter-text')).toBeGreaterThanOrEqual(14);
  expect(await px('.member-id')).toBeGreaterThanOrEqual(14);
  await viewportShot(page, 'sizes');
});

test('The clock and Play stay visible when the page scrolls', async ({ page }) => {
  await page.mouse.wheel(0, 2000);
  await expect.poll(() => page.evaluate(() => window.scrollY)).toBeGreaterThan(300);
  await expect(page.getByRole('button', { name: 'Play' })).toBeInViewport();
  await expect(page.getByRole('timer', { name: 'Simulated time' })).toBeInViewport();
  await expect(page.getByRole('button', { name: 'Next phase' })).toBeInViewport();
  await viewportShot(page, 'scrolled');
});

test('The ♥ and ⟳ timers are labelled', async ({ page }) => {
  await setSpeed(page, '10×');
  await runUntilStable(page, 1);
  const key = page.getByRole('list', { name: 'Key' });
  await expect(key).toBeVisible();
  await expect(key.getByRole('listitem').filter({ hasText: '♥' })).toHaveText('♥: session time left');
  await expect(key.getByRole('listitem').filter({ hasText: '⟳' })).toHaveText('⟳: time to next poll()');
  await expect(card(page, 'c1').getByLabel('Session time left')).toHaveAttribute('title', /session\.timeout\.ms/);
  await expect(card(page, 'c1').getByLabel('Poll time left')).toHaveAttribute('title', /max\.poll\.interval\.ms/);
  await expect(card(page, 'c1').getByLabel('Session time left')).toBeVisible();
  await expect(card(page, 'c1').getByLabel('Poll time left')).toBeVisible();
});

test('A legend for hatched vs solid tiles and for owns vs assigned', async ({ page }) => {
  const key = page.getByRole('list', { name: 'Key' });
  await expect(key.getByRole('listitem').filter({ hasText: 'consumed by its owner' }).locator('.key-solid')).toBeVisible();
  await expect(key.getByRole('listitem').filter({ hasText: /^nobody consuming/ }).locator('.key-hatched')).toBeVisible();
  await expect(key.getByRole('listitem').filter({ hasText: /^owns/ })).toHaveText("owns: the client's view");
  await expect(key.getByRole('listitem').filter({ hasText: /^assigned:/ })).toHaveText("assigned: coordinator's view");
  // Every entry stays inside the strip's panel (the longest one used to touch its right edge).
  // Measured by the text's own extent: an overflowing entry's box stays in its grid cell.
  const overflow = await key.evaluate((list) => {
    const panel = list.closest('section')!.getBoundingClientRect();
    return [...list.querySelectorAll('li')].map((li) => {
      const text = document.createRange();
      text.selectNodeContents(li);
      return { entry: li.textContent, pastEdge: text.getBoundingClientRect().right - (panel.right - 8) };
    }).filter((e) => e.pastEdge > 0);
  });
  expect(overflow).toEqual([]);
  // The key does not push the core picture off a projector.
  const tabs = (await page.getByRole('tablist', { name: 'Views' }).boundingBox())!;
  expect(tabs.y + tabs.height).toBeLessThanOrEqual(720);
});

test('"Next phase" steps from a kill to Stable in a few clicks', async ({ page }) => {
  await setSpeed(page, '10×');
  await runUntilStable(page, 1);
  await card(page, 'c3').getByRole('button', { name: 'Kill c3' }).click();
  const seen: string[] = [];
  for (let i = 0; i < 4; i++) {
    await page.getByRole('button', { name: 'Next phase' }).click();
    seen.push(await group(page).getByLabel('Group state').innerText());
    if (seen[seen.length - 1] === 'Stable') break;
  }
  expect(seen).toEqual(['PreparingRebalance', 'CompletingRebalance', 'Stable']);
  await expect(group(page).getByLabel('Generation')).toHaveText('2');
});

test('Click-to-seek on the timeline', async ({ page }) => {
  await setSpeed(page, '10×');
  await runUntilStable(page, 1);
  await play(page);
  await expect.poll(() => simTime(page), { timeout: 20_000 }).toBeGreaterThan(20_000);
  await pause(page);
  const before = await simTime(page);
  const chart = page.getByRole('figure', { name: 'Ownership timeline of orders-app' });
  // A click on the axis's "10s" tick goes to 10 s (give or take a pixel: 60 s over about 1,000 px).
  await chart.locator('text.tick-label', { hasText: /^10s$/ }).click();
  // The seek replays the run from a checkpoint: on a busy machine the clock shows it a moment later.
  await expect.poll(() => simTime(page)).toBeLessThan(before);
  const after = await simTime(page);
  expect(after).toBeGreaterThan(9_800);
  expect(after).toBeLessThan(10_200);
  await expect(page.getByRole('status').filter({ hasText: /^Rewound/ })).toBeVisible();
});

test('An on-screen callout when nothing happens: no rebalance after a static restart', async ({ page }) => {
  await page.getByLabel('Lesson').selectOption({ value: 'static' });
  await page.getByRole('button', { name: /^Skip to Stable/ }).click();
  const gen = await group(page).getByLabel('Generation').innerText();
  await card(page, 'c2').getByRole('button', { name: 'Kill c2' }).click();
  await card(page, 'c2').getByRole('button', { name: 'Restart c2' }).click();
  await setSpeed(page, '10×');
  await play(page);
  const callout = group(page).getByRole('status', { name: 'Nothing happened' });
  await expect(callout).toContainText(`No rebalance: generation stays ${gen}.`, { timeout: 20_000 });
  await pause(page);
  await expect(group(page).getByLabel('Generation')).toHaveText(gen);
  await viewportShot(page, 'static-callout');
});

test('Lessons offer "Skip to Stable" and start at a speed a teacher can talk over', async ({ page }) => {
  await expect(page.getByLabel('Speed value')).toHaveText('1×');
  await page.getByRole('button', { name: /^Skip to Stable/ }).click();
  await expect(group(page).getByLabel('Group state')).toHaveText('Stable');
  await expect(group(page).getByLabel('Generation')).toHaveText('1');
  await expect(page.getByRole('button', { name: /^Skip to Stable/ })).toHaveCount(0);
  expect(await simTime(page)).toBeLessThan(10_000);
  // Another lesson opens at the same talking speed.
  await page.getByLabel('Lesson').selectOption({ label: 'More consumers than partitions' });
  await expect(page.getByLabel('Speed value')).toHaveText('1×');
});

test('The Protocol view shows short member ids and marks the leader', async ({ page }) => {
  await setSpeed(page, '10×');
  await runUntilStable(page, 1);
  await page.getByRole('tab', { name: 'Protocol' }).click();
  const svg = page.getByRole('figure', { name: 'Protocol sequence diagram' });
  await expect(svg.locator('text.lane-title', { hasText: 'c1 ★ leader' })).toHaveCount(1);
  await expect(svg.locator('text.lane-title', { hasText: '★ leader' })).toHaveCount(1);
  const ids = await svg.locator('text.lane-id').allTextContents();
  expect(ids).toHaveLength(3);
  for (const id of ids) expect(id.length).toBeLessThanOrEqual(12);
  // The card's short id is the lane's.
  const cardId = await card(page, 'c1').locator('.member-id').innerText();
  expect(cardId).toContain(ids[0]);
});

test("Compare's lanes come before the prose", async ({ page }) => {
  await page.getByRole('button', { name: 'Compare protocols' }).click();
  const firstLane = (await page.locator('.compare-column').first().boundingBox())!;
  const prose = (await page.locator('.compare-note').boundingBox())!;
  expect(firstLane.y).toBeLessThan(prose.y);
});

test('No ✓ for differences that are timing noise', async ({ page }) => {
  await page.getByRole('button', { name: 'Compare protocols' }).click();
  await setSpeed(page, '10×');
  await runPast(page, 10_000);
  await page.getByRole('group', { name: 'Actions for c3 in every lane' }).getByRole('button', { name: 'Kill c3' }).click();
  await runPast(page, 30_000);
  const rows = page.getByRole('table', { name: 'Comparison metrics' }).locator('tbody tr');
  let marked = 0;
  for (const row of await rows.all()) {
    const cells = await row.locator('td').allInnerTexts();
    const values = cells.map(cellValue);
    const best = values.filter((_, i) => cells[i].includes('✓'));
    if (best.length === 0) continue;
    marked++;
    for (const [i, v] of values.entries()) {
      if (cells[i].includes('✓')) continue;
      // Every unmarked value is more than 5 % above a marked one: a real difference.
      expect(v - Math.max(...best), `${cells.join(' | ')}`).toBeGreaterThan(0.05 * v);
    }
  }
  expect(marked).toBeGreaterThan(0);
  await expect(page.locator('.compare-note')).toContainText('closer than that is timing noise');
});

test('The share link keeps the open tab and the selected message as well as the time', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await setSpeed(page, '10×');
  await runUntilStable(page, 1);
  await page.getByRole('tab', { name: 'Protocol' }).click();
  const arrow = page.getByRole('figure', { name: 'Protocol sequence diagram' }).getByRole('button', { name: /^SyncGroup ✓ from coordinator to c1/ }).last();
  await arrow.click();
  const fields = await page.getByRole('complementary', { name: 'Message fields' }).innerText();
  const t = await simTime(page);
  await page.getByRole('button', { name: 'Copy share link' }).click();
  const link = await page.evaluate(() => navigator.clipboard.readText());
  expect(link).toMatch(/&view=protocol\/\d+$/);
  const other = await context.newPage();
  await other.setViewportSize({ width: 1280, height: 720 });
  await open(other, link.replace(/^https?:\/\/[^/]+/, ''));
  await expect(other.getByRole('tab', { name: 'Protocol' })).toHaveAttribute('aria-selected', 'true');
  await expect(other.getByRole('complementary', { name: 'Message fields' }).getByRole('heading')).toHaveText('SyncGroup response');
  expect(await other.getByRole('complementary', { name: 'Message fields' }).innerText()).toBe(fields);
  expect(await simTime(other)).toBe(t);
});

test('The Embed dialog shows a live preview of the chosen embed', async ({ page }) => {
  await setSpeed(page, '10×');
  await runUntilStable(page, 1);
  await page.getByRole('button', { name: 'Embed' }).click();
  const dialog = page.getByRole('dialog', { name: 'Embed this session' });
  const preview = dialog.locator('iframe[title="Preview of the embed"]');
  await expect(preview).toHaveAttribute('src', /\?embed=timeline#z=/);
  const frame = dialog.frameLocator('iframe[title="Preview of the embed"]');
  await expect(frame.getByRole('figure', { name: 'Ownership timeline of orders-app' })).toBeVisible({ timeout: 20_000 });
  await dialog.getByRole('radio', { name: 'Protocol diagram' }).check();
  await expect(preview).toHaveAttribute('src', /\?embed=protocol#z=/);
  await expect(frame.getByRole('figure', { name: 'Protocol sequence diagram' })).toBeVisible({ timeout: 20_000 });
  await dialog.getByRole('checkbox', { name: 'Autoplay from time zero' }).check();
  await expect(preview).toHaveAttribute('src', /\?embed=protocol&autoplay=1#z=/);
  await dialog.getByRole('spinbutton', { name: 'Height (px)' }).fill('200');
  await dialog.getByRole('spinbutton', { name: 'Height (px)' }).press('Tab');
  await expect.poll(async () => (await preview.boundingBox())!.height).toBeCloseTo(200, -1);
  // The snippet and the preview open the same address.
  const snippet = await dialog.getByRole('textbox', { name: 'Embed code' }).inputValue();
  const src = /src="([^"]+)"/.exec(snippet)![1].replace(/&amp;/g, '&');
  expect(src.split('#')[0]).toBe((await preview.getAttribute('src'))!.split('#')[0]);
  await viewportShot(page, 'embed-preview');
});
