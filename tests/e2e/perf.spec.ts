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
  test.setTimeout(50_000);
  const errors = await open(page);
  // The lesson's consumers start 0.7 s apart; let them all join before adding more.
  await setSpeed(page, '10×');
  await runUntilStable(page, 1);

  const cluster = page.getByRole('region', { name: 'Cluster overview' });
  await cluster.getByLabel('Partition count of orders', { exact: true }).fill(String(PARTITIONS));
  await cluster.getByRole('button', { name: 'Set partition count of orders' }).click();
  await expect(page.getByRole('region', { name: 'Topic orders' }).getByRole('heading')).toHaveText(
    `Topic orders · ${PARTITIONS} partitions`,
  );

  const form = page.getByRole('region', { name: 'Add a consumer' });
  const addButton = form.getByRole('button', { name: 'Add consumer' });
  for (let n = 4; n <= CONSUMERS; n++) {
    await addButton.click();
    await expect(card(page, `c${n}`)).toBeVisible();
  }
  await expect(group(page).getByRole('listitem', { name: /^Consumer c\d+$/ })).toHaveCount(CONSUMERS);

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
  await page.waitForTimeout(PLAY_MS);
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
  expect(errors).toEqual([]);
});
