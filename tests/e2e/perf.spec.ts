import { test, expect } from '@playwright/test';
import { open, shot, setSpeed, play, pause, simTime, card, group, runUntilStable } from './util';

// Frame times of the page under load: 30 consumers on a 120-partition topic, playing at 10×.
// Figures are printed, never asserted: the test only requires the page to stay responsive and error-free.

const CONSUMERS = 30;
const PARTITIONS = 120;
const PLAY_MS = 8_000;

declare global {
  interface Window {
    __frames?: { deltas: number[]; start: number; end: number; running: boolean };
  }
}

function percentile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.round((sorted.length - 1) * q))];
}

test(`${CONSUMERS} consumers on ${PARTITIONS} partitions at 10×: frame times`, async ({ page }) => {
  test.setTimeout(60_000);
  const errors = await open(page);
  // The load, loaded as a user would: a scenario file with one group of 30 on a 120-partition topic.
  const scenario = {
    name: 'load',
    description: `${CONSUMERS} consumers share a ${PARTITIONS}-partition topic.`,
    topics: [{ name: 'orders', partitions: PARTITIONS }],
    groups: [{ group_id: 'orders-app', config: { 'session.timeout.ms': 10000, 'heartbeat.interval.ms': 1000 } }],
    consumers: [{ group: 'orders-app', topics: ['orders'], count: CONSUMERS }],
  };
  const box = page.getByRole('region', { name: 'Scenario file' });
  await box.getByLabel('Scenario JSON').fill(JSON.stringify(scenario));
  await box.getByRole('button', { name: 'Load scenario' }).click();
  await expect(group(page).getByRole('listitem', { name: /^Consumer c\d+$/ })).toHaveCount(CONSUMERS);
  await setSpeed(page, '10×');
  await runUntilStable(page, 1);
  await expect(page.getByRole('region', { name: 'Topic orders' }).getByRole('listitem', { name: /nobody consuming/ })).toHaveCount(0);

  await setSpeed(page, '10×');
  const simBefore = await simTime(page);

  // Every animation frame's distance from the previous one, measured inside the page.
  await page.evaluate(() => {
    const f = { deltas: [] as number[], start: performance.now(), end: 0, running: true };
    window.__frames = f;
    let last = f.start;
    const frame = (now: number) => {
      f.deltas.push(now - last);
      last = now;
      if (f.running) requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  });
  await play(page);
  // A crash in the middle of the measurement: its session expires and the group rebalances while
  // the frames are counted.
  await page.waitForTimeout(PLAY_MS / 4);
  await card(page, 'c7').getByRole('button', { name: 'Kill c7' }).click();
  await page.waitForTimeout((PLAY_MS * 3) / 4);
  await pause(page);
  const frames = await page.evaluate(() => {
    const f = window.__frames!;
    f.running = false;
    f.end = performance.now();
    return { deltas: f.deltas, realMs: f.end - f.start };
  });
  // Responsive: the pause took effect and the page still answers a click.
  await expect(page.getByRole('button', { name: 'Play' })).toBeVisible({ timeout: 5_000 });
  const simAfter = await simTime(page);
  const simMs = simAfter - simBefore;

  const sorted = [...frames.deltas].sort((a, b) => a - b);
  const f = (x: number) => x.toFixed(1);
  console.log(
    `[perf] ${CONSUMERS} consumers × ${PARTITIONS} partitions at 10× for ${f(frames.realMs / 1000)} s real: ` +
      `${sorted.length} frames, frame time p50 ${f(percentile(sorted, 0.5))} ms, ` +
      `p95 ${f(percentile(sorted, 0.95))} ms, max ${f(sorted[sorted.length - 1])} ms; ` +
      `simulated ${simMs} ms → ${(simMs / frames.realMs).toFixed(2)}× achieved (10× asked)`,
  );

  await shot(page, `perf-${CONSUMERS}x${PARTITIONS}`);
  expect(simMs).toBeGreaterThan(0);
  // The crash was noticed and its partitions handed out within the measured time.
  await expect(group(page).getByLabel('Generation')).toHaveText('2');
  await expect(group(page).getByLabel('Group state')).toHaveText('Stable');
  await expect(page.getByRole('region', { name: 'Topic orders' }).getByRole('listitem', { name: /nobody consuming/ })).toHaveCount(0);
  expect(errors).toEqual([]);
});
