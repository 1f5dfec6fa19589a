import { Page, expect, Locator } from '@playwright/test';
import * as path from 'path';

/** Where the browser tests save what they saw: look at these PNGs after a run. */
export const screenshotDir = path.join(__dirname, '..', '..', 'target', 'screenshots');

export async function shot(page: Page, name: string) {
  await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), fullPage: true });
}

/** Opens the page and fails the test on any uncaught error or panic. */
export async function open(page: Page, url = '/') {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await page.goto(url);
  await expect(page.getByRole('heading', { name: 'Rebalance Lab' })).toBeVisible();
  return errors;
}

/** Slider position 0..300 maps to 0.1×..100× on a log scale. */
export async function setSpeed(page: Page, label: '1×' | '10×' | '100×') {
  const position = { '1×': '100', '10×': '200', '100×': '300' }[label];
  await page.getByRole('slider', { name: 'Speed' }).fill(position);
  await expect(page.getByLabel('Speed value')).toHaveText(label);
}

export const play = (page: Page) => page.getByRole('button', { name: 'Play' }).click();
export const pause = (page: Page) => page.getByRole('button', { name: 'Pause' }).click();

/** Simulated time shown in the top bar, in ms. */
export async function simTime(page: Page): Promise<number> {
  const text = (await page.getByRole('timer', { name: 'Simulated time' }).innerText()).replace('t =', '').trim();
  const [min, rest] = text.split(':');
  return Math.round((Number(min) * 60 + Number(rest)) * 1000);
}

export function card(page: Page, handle: string): Locator {
  return page.getByRole('listitem', { name: `Consumer ${handle}`, exact: true });
}

export function group(page: Page, id = 'orders-app'): Locator {
  return page.getByRole('region', { name: `Group ${id}` });
}

export async function generation(page: Page, id = 'orders-app'): Promise<number> {
  return Number(await group(page, id).getByLabel('Generation').innerText());
}

/** Plays until the group is Stable at `gen`, then pauses. */
export async function runUntilStable(page: Page, gen: number, id = 'orders-app') {
  await play(page);
  await expect(group(page, id).getByLabel('Generation')).toHaveText(String(gen), { timeout: 30_000 });
  await expect(group(page, id).getByLabel('Group state')).toHaveText('Stable', { timeout: 30_000 });
  await pause(page);
}

/** Read as textContent: a card scrolled out of view is not rendered (content-visibility: auto), and
 *  innerText of content the browser skipped is empty. */
export async function owned(page: Page, handle: string): Promise<string> {
  return (await card(page, handle).getByLabel('Owned partitions').textContent()) ?? '';
}

export function partition(page: Page, p: number, topic = 'orders', groupId = 'orders-app'): Locator {
  return page
    .getByRole('list', { name: `Partitions of ${topic} in ${groupId}` })
    .getByRole('listitem', { name: new RegExp(`^Partition ${p}:`) });
}

function parseClock(text: string): number {
  const [min, rest] = text.trim().split(':');
  return Math.round((Number(min) * 60 + Number(rest)) * 1000);
}

/** The Metrics tab's rebalance table: what the model recorded, independent of when the test paused. */
export async function rebalances(page: Page): Promise<{ generation: number; reason: string; startedAt: number }[]> {
  await page.getByRole('tab', { name: 'Metrics' }).click();
  const rows = page.getByRole('table', { name: 'Rebalances' }).locator('tbody tr');
  const out = [];
  for (const row of await rows.all()) {
    const cells = await row.locator('td').allInnerTexts();
    out.push({ generation: Number(cells[0]), reason: cells[1], startedAt: parseClock(cells[2]) });
  }
  await page.getByRole('tab', { name: 'Timeline' }).click();
  return out;
}

/** The guided lesson's panel. */
export const guide = (page: Page) => page.getByRole('region', { name: 'Guided lesson' });

/** Answers the step's question (if it asks one) with `choice`, then waits for the step's moment. */
export async function playStep(page: Page, choice?: RegExp) {
  const g = guide(page);
  if (choice) {
    await expect(page.getByRole('button', { name: 'Play' })).toBeVisible();
    await g.getByRole('button', { name: choice }).click();
  }
  await setSpeed(page, '100×');
  await expect(g.getByRole('button', { name: /^(Next|Finish) ›$/ })).toBeEnabled({ timeout: 45_000 });
}

/** Loads, through the Scenario file box, one group of `consumers` on one `partitions`-partition topic
 * (classroom timings): the load the performance and layout tests try the page at. */
export async function loadOneGroup(page: Page, consumers: number, partitions: number) {
  const scenario = {
    name: 'load',
    description: `${consumers} consumers share a ${partitions}-partition topic.`,
    topics: [{ name: 'orders', partitions }],
    groups: [{ group_id: 'orders-app', config: { 'session.timeout.ms': 10000, 'heartbeat.interval.ms': 1000 } }],
    consumers: [{ group: 'orders-app', topics: ['orders'], count: consumers }],
  };
  const box = page.getByRole('region', { name: 'Scenario file' });
  await box.getByLabel('Scenario JSON').fill(JSON.stringify(scenario));
  await box.getByRole('button', { name: 'Load scenario' }).click();
}

/** Loads, through the Scenario file box, 30 consumers on a 120-partition topic that two producers
 * write `rate` records/s each to (one keyed over 1,000 keys, one unkeyed), 5 ms of processing per
 * batch: the record flow the performance tests play for minutes before they measure. */
export async function loadRecordsLoad(page: Page, rate: number) {
  const scenario = {
    name: 'records load',
    description: `30 consumers read a 120-partition topic that two producers write ${2 * rate} records/s to.`,
    topics: [{ name: 'orders', partitions: 120 }],
    groups: [{ group_id: 'orders-app', config: { 'auto.offset.reset': 'earliest', 'processing.time.ms': 5 } }],
    consumers: [{ group: 'orders-app', topics: ['orders'], count: 30 }],
    producers: [
      { topic: 'orders', records_per_sec: rate, keys: 1000 },
      { topic: 'orders', records_per_sec: rate },
    ],
  };
  const box = page.getByRole('region', { name: 'Scenario file' });
  await box.getByLabel('Scenario JSON').fill(JSON.stringify(scenario));
  await box.getByRole('button', { name: 'Load scenario' }).click();
}
