import { test, expect } from '@playwright/test';
import * as fs from 'fs';
import * as path from 'path';
import { open, shot, setSpeed, play, pause, simTime } from './util';

// A scenario with a producer: each partition is drawn as a log for the group (log-end, committed,
// position, lag), records processed twice are marked, and Metrics counts them per rebalance.

const example = fs.readFileSync(path.join(__dirname, '..', '..', 'examples', 'records-join-and-crash.json'), 'utf8');

test('partition logs show lag and the records a moved partition makes the group read twice', async ({ page }) => {
  const errors = await open(page);
  const box = page.getByRole('region', { name: 'Scenario file' });
  await box.getByLabel('Scenario JSON').fill(example);
  await box.getByRole('button', { name: 'Load scenario' }).click();
  await expect(box.getByRole('alert')).toHaveCount(0);

  const logs = page.getByRole('region', { name: 'Records of orders in orders-app' });
  await expect(logs.getByRole('listitem')).toHaveCount(6);

  await setSpeed(page, '10×');
  await play(page);
  // The page runs the scenario under its strategy (eager range here): c3's join at 20 s moves
  // partitions only after their owners committed, so nothing is read twice yet.
  await expect.poll(() => simTime(page), { timeout: 30_000 }).toBeGreaterThan(22_000);
  await pause(page);
  await expect(logs.getByText(/^orders-app: lag \d+ · 0 records processed twice$/)).toBeVisible();
  // c1 is killed at 40 s; after its session times out (45 s) its partitions move, and the new owners
  // read again what c1 processed after its last auto-commit.
  await setSpeed(page, '100×');
  await play(page);
  await expect.poll(() => simTime(page), { timeout: 30_000 }).toBeGreaterThan(95_000);
  await pause(page);

  const p0 = logs.getByRole('listitem', { name: /^P0 · log-end \d+ · committed \d+ · position (\d+|none) · lag \d+/ });
  await expect(p0).toBeVisible();
  await expect(logs.getByText(/lag \d+ · [1-9]\d* records processed twice/)).toBeVisible();
  await expect(logs.locator('li.has-duplicates').first()).toBeVisible();
  await expect(logs.getByText(/^Each bar is a partition's log/)).toBeVisible();
  await shot(page, 'records-logs');

  await page.getByRole('tab', { name: 'Metrics' }).click();
  await expect(page.getByText(/records processed twice \(of \d+\)/)).toBeVisible();
  const header = page.getByRole('table', { name: 'Rebalances' }).getByRole('columnheader', { name: 'read twice' });
  await expect(header).toBeVisible();
  await shot(page, 'records-metrics');
  expect(errors).toEqual([]);
});

test('a scenario without producers shows no logs and no duplicate column', async ({ page }) => {
  const errors = await open(page);
  await expect(page.getByRole('region', { name: /^Records of / })).toHaveCount(0);
  await page.getByRole('tab', { name: 'Metrics' }).click();
  await expect(page.getByRole('columnheader', { name: 'read twice' })).toHaveCount(0);
  expect(errors).toEqual([]);
});

test('compare: the records each protocol makes the group read twice, on the same scenario', async ({ page }) => {
  const errors = await open(page);
  const box = page.getByRole('region', { name: 'Scenario file' });
  await box.getByLabel('Scenario JSON').fill(example);
  await box.getByRole('button', { name: 'Load scenario' }).click();
  await page.getByRole('button', { name: 'Compare protocols' }).click();
  await expect(page.getByRole('region', { name: 'Compare protocols' })).toBeVisible();
  await setSpeed(page, '10×');
  await play(page);
  // c3 joins at 20 s; stop before c1's crash at 40 s moves anything.
  await expect.poll(() => simTime(page), { timeout: 30_000 }).toBeGreaterThan(27_000);
  await pause(page);
  expect(await simTime(page)).toBeLessThan(40_000);
  const row = page.getByRole('table', { name: 'Comparison metrics' }).getByRole('row', { name: /^Records processed twice/ });
  const cells = await row.locator('td').allInnerTexts();
  // Eager commits in onJoinPrepare and stops; cooperative keeps reading what it is about to give up.
  expect(cells[0]).toMatch(/^0 ✓$/);
  expect(Number(cells[1])).toBeGreaterThan(0);
  await shot(page, 'records-compare');
  expect(errors).toEqual([]);
});

test('the producer control changes the rate and the keys; a bad number changes nothing', async ({ page }) => {
  const errors = await open(page);
  const box = page.getByRole('region', { name: 'Scenario file' });
  await box.getByLabel('Scenario JSON').fill(example);
  await box.getByRole('button', { name: 'Load scenario' }).click();
  await expect(page.getByLabel('Producer p1 rate')).toHaveText(/^200 records\/s, 100 keys · \d+ sent$/);

  await page.getByLabel('Records per second of p1').fill('-5');
  await page.getByLabel('Records per second of p1').dispatchEvent('change');
  await page.getByRole('button', { name: 'Set rate of p1' }).click();
  await expect(page.getByText(/Records per second and keys must be whole numbers/)).toBeVisible();
  await expect(page.getByLabel('Producer p1 rate')).toHaveText(/^200 records\/s, 100 keys/);

  await page.getByLabel('Records per second of p1').fill('0');
  await page.getByLabel('Records per second of p1').dispatchEvent('change');
  await page.getByRole('button', { name: 'Set rate of p1' }).click();
  await expect(page.getByLabel('Producer p1 rate')).toHaveText(/^paused · \d+ sent$/);

  await page.getByLabel('Records per second of p1').fill('500');
  await page.getByLabel('Records per second of p1').dispatchEvent('change');
  await page.getByLabel('Keys of p1').fill('0');
  await page.getByLabel('Keys of p1').dispatchEvent('change');
  await page.getByRole('button', { name: 'Set rate of p1' }).click();
  await expect(page.getByLabel('Producer p1 rate')).toHaveText(/^500 records\/s, unkeyed · \d+ sent$/);
  await setSpeed(page, '10×');
  await play(page);
  await expect.poll(() => simTime(page), { timeout: 30_000 }).toBeGreaterThan(8_000);
  await pause(page);
  const sent = Number((await page.getByLabel('Producer p1 rate').innerText()).match(/(\d+) sent/)![1]);
  expect(sent).toBeGreaterThan(3_000);
  await shot(page, 'records-producer-control');
  expect(errors).toEqual([]);
});
