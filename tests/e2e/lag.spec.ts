import { test, expect } from '@playwright/test';
import * as fs from 'fs';
import * as path from 'path';
import { open, shot, setSpeed, play, pause, simTime } from './util';

// Lag over time: the Metrics tab draws the group's lag, one line per partition, from the model's
// samples. `tests/model/lag_over_time.rs` pins the peak the model finds for this example
// (tests/data/lag-peak.json); the chart must say the same.

const root = path.join(__dirname, '..', '..');
const example = fs.readFileSync(path.join(root, 'examples', 'records-join-and-crash.json'), 'utf8');
const expected = JSON.parse(fs.readFileSync(path.join(root, 'tests', 'data', 'lag-peak.json'), 'utf8'));

test('the Metrics tab charts lag over time, and its peak is the model\'s', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  const errors = await open(page);
  const box = page.getByRole('region', { name: 'Scenario file' });
  await box.getByLabel('Scenario JSON').fill(example);
  await box.getByRole('button', { name: 'Load scenario' }).click();
  await expect(box.getByRole('alert')).toHaveCount(0);
  await setSpeed(page, '100×');
  await play(page);
  await expect.poll(() => simTime(page), { timeout: 30_000 }).toBeGreaterThan(expected.from_ms);
  await pause(page);

  await page.getByRole('tab', { name: 'Metrics' }).click();
  const seconds = expected.peak.at_ms / 1000;
  const chart = page.getByRole('img', { name: /^Lag over time for group orders-app, one line per partition/ });
  await expect(chart).toBeVisible();
  await expect(chart).toHaveAttribute(
    'aria-label',
    new RegExp(`peak ${expected.peak.lag} records on ${expected.peak.line} at ${seconds} s; \\d+ rebalances marked\\.$`),
  );
  // One line per partition, each named in the legend (not by colour alone), with a dash pattern.
  const legend = page.getByRole('list', { name: 'Lines' });
  for (let p = 0; p < 6; p++) await expect(legend.getByText(`orders-${p}`, { exact: true })).toBeVisible();
  await expect(chart.locator('polyline.lag-line')).toHaveCount(6);
  const dashes = await chart.locator('polyline.lag-line').evaluateAll((ls) => ls.map((l) => l.getAttribute('stroke-dasharray')));
  expect(new Set(dashes).size).toBe(6);
  // Axes in seconds and records; the rebalance after c1's session expired is shaded.
  await expect(chart.getByText('time (seconds)')).toBeVisible();
  await expect(chart.getByText('lag (records)')).toBeVisible();
  expect(await chart.locator('.lag-rebalance').count()).toBeGreaterThan(0);
  await expect(chart.getByText(`peak ${expected.peak.lag} at ${seconds} s`)).toBeVisible();
  await chart.scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(root, 'target', 'screenshots', 'lag-chart-1280.png') });
  await shot(page, 'lag-chart');

  // Rewound to 60 s, the chart is the run's as it stood then: c1 died at 40 s and its partitions
  // are still waiting, so the peak is at most 60 s old and lower than the final one.
  const end = await simTime(page);
  const slider = page.getByRole('group', { name: 'Time' }).getByRole('slider', { name: 'Simulated time to show' });
  await slider.fill('60000');
  await expect(page.getByRole('group', { name: 'Time' }).getByRole('status')).toContainText('Rewound');
  const label = (await chart.getAttribute('aria-label')) ?? '';
  const [, lag, at] = label.match(/peak (\d+) records .* at (\d+(?:\.\d)?) s;/) ?? [];
  expect(Number(at)).toBeLessThanOrEqual(60);
  expect(Number(lag)).toBeLessThan(expected.peak.lag);
  // Forward again: the same peak as before.
  await slider.fill(String(end));
  await expect(chart).toHaveAttribute('aria-label', new RegExp(`peak ${expected.peak.lag} records on ${expected.peak.line} at ${seconds} s`));
  expect(errors).toEqual([]);
});

test('a scenario without producers has no lag chart', async ({ page }) => {
  const errors = await open(page);
  await page.getByRole('tab', { name: 'Metrics' }).click();
  await expect(page.getByRole('region', { name: 'Lag over time' })).toHaveCount(0);
  expect(errors).toEqual([]);
});

const staticScenario = fs.readFileSync(path.join(root, 'tests', 'data', 'static-catch-up.json'), 'utf8');
const staticExpected = JSON.parse(fs.readFileSync(path.join(root, 'tests', 'data', 'static-catch-up-expected.json'), 'utf8'));

test('a static member back within its session: the lag it comes back to and its catch-up', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  const errors = await open(page);
  const box = page.getByRole('region', { name: 'Scenario file' });
  await box.getByLabel('Scenario JSON').fill(staticScenario);
  await box.getByRole('button', { name: 'Load scenario' }).click();
  await expect(box.getByRole('alert')).toHaveCount(0);
  await setSpeed(page, '10×');
  await play(page);
  await expect.poll(() => simTime(page), { timeout: 30_000 }).toBeGreaterThan(40_000);
  await pause(page);
  await page.getByRole('tab', { name: 'Metrics' }).click();
  // No rebalance after the first: the static member kept its place.
  await expect(page.getByRole('table', { name: 'Rebalances' }).locator('tbody tr')).toHaveCount(1);
  const note = page.getByRole('note', { name: `${staticExpected.consumer} catching up` });
  await expect(note).toContainText(`no rebalance, it keeps [${staticExpected.partitions.join(', ')}]`);
  await expect(note).toContainText(`comes back to ${staticExpected.lag_at_return} records of lag`);
  await expect(note).toContainText(`In this run it was back there by ${staticExpected.caught_up_at_s} s.`);
  await expect(note).toContainText(/takes about \d+(\.\d)? s|takes about \d+ ms/);
  const chart = page.getByRole('img', { name: /^Lag over time for group orders-app/ });
  await expect(chart.getByText(`${staticExpected.consumer} back`)).toBeVisible();
  await expect(chart.getByText(`${staticExpected.consumer} caught up`)).toBeVisible();
  await note.scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(root, 'target', 'screenshots', 'lag-static-1280.png') });
  expect(errors).toEqual([]);
});
