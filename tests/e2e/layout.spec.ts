import { test, expect, Page } from '@playwright/test';
import * as path from 'path';
import { open, screenshotDir, setSpeed, runUntilStable, group, play, pause, loadOneGroup, simTime } from './util';

// UI.md: a projector's 1280×720 must show the core picture (group, cards, partition strip, the top of
// the tabs) without scrolling. These tests check that and save viewport-only screenshots to look at.

test.beforeEach(async ({ page }) => {
  (page as any).__errors = await open(page);
});

test.afterEach(async ({ page }) => {
  expect((page as any).__errors ?? []).toEqual([]);
});

async function viewportShot(page: Page, name: string) {
  await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), fullPage: false });
}

/** The bottom edge of an element, in CSS pixels from the top of the page (the page is not scrolled). */
async function bottomOf(page: Page, selector: ReturnType<Page['getByRole']>) {
  const box = await selector.boundingBox();
  expect(box).not.toBeNull();
  return box!.y + box!.height;
}

async function fitsAt720(page: Page) {
  const strip = page.getByRole('list', { name: /^Partitions of orders in / }).first();
  expect(await bottomOf(page, strip)).toBeLessThanOrEqual(720);
  expect(await bottomOf(page, page.getByRole('tablist', { name: 'Views' }))).toBeLessThanOrEqual(720);
}

test('the default lesson fits a 1280×720 projector', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  await setSpeed(page, '10×');
  await runUntilStable(page, 1);
  await viewportShot(page, 'projector-1280');
  await fitsAt720(page);
});

test('seven consumers on six partitions fit a 1280×720 projector', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.getByLabel('Lesson').selectOption({ label: 'More consumers than partitions' });
  await setSpeed(page, '10×');
  await runUntilStable(page, 1);
  await viewportShot(page, 'projector-1280-seven');
  await fitsAt720(page);
  await page.getByRole('button', { name: 'Dark theme' }).click();
  await viewportShot(page, 'projector-1280-seven-dark');
});

test('a wide screen and a narrow one', async ({ page }) => {
  await page.setViewportSize({ width: 1920, height: 1080 });
  await setSpeed(page, '10×');
  await runUntilStable(page, 1);
  await viewportShot(page, 'wide-1920');
  // Narrow: the group and its partitions come before the rail's forms.
  await page.setViewportSize({ width: 768, height: 1024 });
  const groupTop = (await group(page).boundingBox())!.y;
  const formTop = (await page.getByRole('region', { name: 'Add a consumer' }).boundingBox())!.y;
  expect(groupTop).toBeLessThan(formTop);
  await viewportShot(page, 'narrow-768');
});

test('the top bar stays one line while playing, from 1280 to 1920 px', async ({ page }) => {
  // Pressing Play used to widen the bar (Pause is wider, so is "100×") and push Share and Embed onto
  // a second line, shifting the whole page down under the teacher's pointer.
  await page.getByLabel('Lesson').selectOption({ label: 'Records processed twice' });
  const bar = page.getByRole('banner');
  // The lesson picker grows with the room the bar has (1366, 1400, 1600, 1920): never onto a second line.
  for (const width of [1280, 1366, 1400, 1440, 1600, 1920]) {
    await page.setViewportSize({ width, height: 800 });
    const paused = (await bar.boundingBox())!.height;
    await play(page);
    await setSpeed(page, '100×');
    await page.waitForTimeout(300);
    const playing = (await bar.boundingBox())!;
    expect(playing.height, `at ${width} px`).toBe(paused);
    const share = (await page.getByRole('button', { name: 'Copy share link' }).boundingBox())!;
    expect(share.y + share.height, `Share on the first line at ${width} px`).toBeLessThanOrEqual(playing.y + playing.height);
    expect(playing.height, `one line at ${width} px`).toBeLessThan(64);
    await pause(page);
  }
});

test("the lesson picker shows a whole lesson title where the bar has room", async ({ page }) => {
  // It used to cut every title at 11rem ("3 consumers, …") however wide the screen.
  const picker = page.getByLabel('Lesson');
  await picker.selectOption({ label: 'Records processed twice' });
  // At 1600 px the chosen title reads whole; at 1920 px the widest of all does.
  for (const [width, which] of [[1600, 'chosen'], [1920, 'widest']] as const) {
    await page.setViewportSize({ width, height: 800 });
    const { text, box } = await picker.evaluate((el: HTMLSelectElement, which) => {
      const style = getComputedStyle(el);
      const ctx = document.createElement('canvas').getContext('2d')!;
      ctx.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
      const padding = parseFloat(style.paddingLeft) + parseFloat(style.paddingRight);
      const titles = which === 'chosen' ? [el.selectedOptions[0].text] : [...el.options].map((o) => o.text);
      return { text: Math.max(...titles.map((t) => ctx.measureText(t).width)) + padding, box: el.clientWidth };
    }, which);
    // The drop-down arrow takes about 20 px of the box.
    expect(text + 20, `the ${which} title fits at ${width} px`).toBeLessThanOrEqual(box);
  }
});

test("Compare's legend names each line on one row and a lane's logs read under their bars", async ({ page }) => {
  // The lesson opens eager against cooperative; KIP-848 makes the third lane.
  await page.getByLabel('Lesson').selectOption({ label: 'Records processed twice' });
  await page.getByLabel('Compare KIP-848 · consumer protocol (uniform)').check();
  await setSpeed(page, '100×');
  await play(page);
  await page.waitForTimeout(1500);
  await pause(page);
  const legend = page.getByRole('list', { name: 'Lines' });
  for (const item of await legend.getByRole('listitem').all()) {
    const box = (await item.boundingBox())!;
    expect(box.height, await item.innerText()).toBeLessThan(30);
  }
  // A lane is a third of the page: each partition's figures sit on at most two lines under its bar.
  const texts = page.locator('.compare .partition-logs .log-text');
  expect(await texts.count()).toBeGreaterThan(0);
  for (const text of await texts.all()) {
    expect((await text.boundingBox())!.height).toBeLessThan(40);
  }
});

test('500 partitions take the panel\'s width, the key under them', async ({ page }) => {
  // Beside the key they were 8 tiles a row, and the strip alone 4,000 px tall.
  await loadOneGroup(page, 50, 500);
  const strip = page.getByRole('list', { name: /^Partitions of orders in / }).first();
  await expect(strip).toBeVisible();
  const cells = strip.getByRole('listitem');
  const firstRowTop = (await cells.first().boundingBox())!.y;
  let perRow = 0;
  for (const cell of await cells.all()) {
    if ((await cell.boundingBox())!.y > firstRowTop + 4) break;
    perRow += 1;
  }
  expect(perRow).toBeGreaterThanOrEqual(12);
  const key = (await page.getByRole('list', { name: 'Key' }).boundingBox())!;
  const stripBox = (await strip.boundingBox())!;
  expect(key.y).toBeGreaterThanOrEqual(stripBox.y + stripBox.height - 1);
  // A strip this long is not rendered while out of view (the frames at 50 × 500 depend on it).
  expect(await strip.evaluate((e) => getComputedStyle(e).contentVisibility)).toBe('auto');
  await viewportShot(page, 'strip-500');
});

test("pointing at a Compare lane's timeline reads the row out without resizing the lane", async ({ page }) => {
  await page.getByRole('button', { name: 'Compare protocols' }).click();
  await setSpeed(page, '10×');
  await play(page);
  await page.waitForTimeout(2500);
  await page.locator('li[aria-label="Controls for c2"] button[aria-label="Kill c2"]').click();
  await page.waitForTimeout(2500);
  await pause(page);
  const lane = page.getByRole('region', { name: 'Lane cooperative · cooperative-sticky' });
  const chart = lane.getByRole('figure');
  await chart.scrollIntoViewIfNeeded();
  await expect(lane.locator('.band-detail')).toHaveText('Point at a row or a band for details.');
  const before = (await lane.boundingBox())!.height;
  // P2, c2's until the kill, at 55 % of the axis: a readout wider than the lane, on two lines.
  const label = (await chart.locator('text.row-label').nth(2).boundingBox())!;
  const box = (await chart.boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.55, label.y + label.height / 2);
  await expect(lane.locator('.band-detail')).toHaveText(/^orders-2 at [\d.]+ s: /);
  expect((await lane.boundingBox())!.height).toBe(before);
  await viewportShot(page, 'compare-lane-readout');
});

/** Whether the page itself scrolls sideways (a box scrolling inside it is fine). */
async function noSidewaysScroll(page: Page, where: string) {
  const { scroll, client } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    client: document.documentElement.clientWidth,
  }));
  expect(scroll, `${where}: the page is ${scroll} px wide on a ${client} px screen`).toBeLessThanOrEqual(client);
}

// A phone held upright (issue 13): every view fits the screen's width. The screenshots are the
// top of each view, as the phone shows it.
for (const [width, height] of [[390, 844], [360, 740]] as const) {
  test(`a phone held upright (${width}×${height}): no view scrolls sideways`, async ({ page }) => {
    test.setTimeout(120_000);
    await page.setViewportSize({ width, height });
    await setSpeed(page, '10×');
    await runUntilStable(page, 1);
    await page.getByRole('listitem', { name: 'Consumer c2', exact: true }).getByRole('button', { name: 'Kill c2' }).click();
    await noSidewaysScroll(page, 'single view');
    await viewportShot(page, `phone-${width}-single`);
    for (const tab of ['Timeline', 'Protocol', 'Metrics', 'Code']) {
      await page.getByRole('tab', { name: tab }).click();
      await expect(page.getByRole('tab', { name: tab })).toHaveAttribute('aria-selected', 'true');
      await noSidewaysScroll(page, `${tab} tab`);
      await page.getByRole('tabpanel').scrollIntoViewIfNeeded();
      await viewportShot(page, `phone-${width}-${tab.toLowerCase()}`);
      if (tab === 'Protocol') {
        // The lanes' titles ("coordinator", "c1 ★ leader", …) stay clear of each other.
        const boxes = await page.locator('.lane-title').evaluateAll((titles) =>
          titles.map((t) => { const r = t.getBoundingClientRect(); return [r.left, r.right, t.textContent]; }));
        for (let i = 1; i < boxes.length; i++) {
          expect(boxes[i][0], `${boxes[i - 1][2]} and ${boxes[i][2]}`).toBeGreaterThanOrEqual((boxes[i - 1][1] as number) - 0.5);
        }
      }
    }
    // Export's menu opens on the screen, whole, and its items can be clicked.
    await page.getByRole('button', { name: 'Export' }).click();
    const item = page.getByRole('menuitem', { name: 'Trace (JSON)' });
    await expect(item).toBeInViewport({ ratio: 1 });
    await item.click({ trial: true });
    await page.getByRole('button', { name: 'Export' }).click();
    await expect(item).toHaveCount(0);
    await page.getByRole('button', { name: 'Embed', exact: true }).click();
    await expect(page.getByRole('dialog', { name: 'Embed this session' })).toBeInViewport();
    await noSidewaysScroll(page, 'Embed dialog');
    await page.getByRole('dialog', { name: 'Embed this session' }).getByRole('button', { name: 'Close' }).click();
    await page.getByRole('button', { name: 'Compare protocols' }).click();
    const compare = page.getByRole('region', { name: 'Compare protocols' });
    await expect(compare).toBeVisible();
    await noSidewaysScroll(page, 'Compare');
    await compare.scrollIntoViewIfNeeded();
    // Six partitions are always rendered: a strip skipped out of view showed as a blank box, the
    // height of a long strip, in the frame a lane was scrolled to.
    for (const strip of await compare.getByRole('list', { name: /^Partitions of orders in / }).all()) {
      expect(await strip.evaluate((e) => getComputedStyle(e).contentVisibility)).toBe('visible');
    }
    await viewportShot(page, `phone-${width}-compare`);
    // The metrics table is wider than the phone: it scrolls in its own box, and the table is whole.
    const table = page.getByRole('table', { name: 'Comparison metrics' });
    const box = page.getByRole('region', { name: 'Comparison metrics table' });
    expect((await table.boundingBox())!.width).toBeGreaterThanOrEqual((await box.boundingBox())!.width);
    for (const view of ['group', 'timeline', 'protocol', 'compare']) {
      // The first lesson from time zero at 100×, paused once its first rebalance is done.
      await page.goto(`/?embed=${view}&autoplay=1&speed=100`);
      await expect.poll(async () => simTime(page), { timeout: 20_000 }).toBeGreaterThan(10_000);
      await page.getByRole('button', { name: 'Pause' }).click();
      await noSidewaysScroll(page, `embedded ${view}`);
      await viewportShot(page, `phone-${width}-embed-${view}`);
    }
  });
}

test('a tab under the pointer does not look chosen: only the open tab is underlined in the accent', async ({ page }) => {
  const errors = await open(page);
  const code = page.getByRole('tab', { name: 'Code' });
  const protocol = page.getByRole('tab', { name: 'Protocol' });
  await code.click();
  await protocol.hover();
  const look = (tab: typeof code) =>
    tab.evaluate((el) => {
      const s = getComputedStyle(el);
      return { underline: s.borderBottomColor, weight: s.fontWeight };
    });
  const chosen = await look(code);
  const hovered = await look(protocol);
  expect(await protocol.getAttribute('aria-selected')).toBe('false');
  expect(hovered.underline).not.toBe(chosen.underline);
  expect(hovered.weight).not.toBe(chosen.weight);
  expect(errors).toEqual([]);
});
