import { test, expect } from '@playwright/test';
import { open, shot, setSpeed, play, simTime } from './util';

// The crash page (src/ui/crash.rs): `?debug-panic=MS` makes the page panic for real once the
// simulated clock reaches MS, through the same panic hook any bug would hit. The hook is in the page
// under test only (scripts/test.sh builds it with REBALANCE_LAB_DEBUG_PANIC=1 into target/e2e-dist); a
// page built without it ignores the parameter, and this test then fails waiting for the crash page.
test('a panic replaces the page with a message, the failed run\'s link, and a way back', async ({ page, context }) => {
  await open(page, '/?debug-panic=4000');
  await setSpeed(page, '10×');
  await play(page);
  const crash = page.getByRole('alert');
  await expect(crash.getByRole('heading', { name: 'Rebalance Lab stopped' })).toBeVisible({ timeout: 20_000 });
  await expect(crash).toContainText('debug panic requested by ?debug-panic');
  // The page is replaced, not half-drawn: the playground's own controls are gone.
  await expect(page.getByRole('button', { name: 'Pause' })).toHaveCount(0);
  const link = await crash.getByRole('textbox', { name: 'Share link of the run that failed' }).inputValue();
  expect(link).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#z=[A-Za-z0-9_-]+$/);
  await shot(page, 'crash-page');

  // The link replays the run that failed (without the debug hook, so it does not fail again).
  const replay = await context.newPage();
  const errors = await open(replay, link.replace(/^http:\/\/127\.0\.0\.1:\d+/, ''));
  expect(await simTime(replay)).toBeGreaterThanOrEqual(4000);
  expect(errors).toEqual([]);
  await replay.close();

  // The button reloads the default scenario: time zero, no panic.
  await open(page, '/?debug-panic=0');
  await expect(page.getByRole('alert').getByRole('heading', { name: 'Rebalance Lab stopped' })).toBeVisible({ timeout: 20_000 });
  await page.getByRole('button', { name: 'Reload the default scenario' }).click();
  await expect(page.getByRole('heading', { name: 'Rebalance Lab' })).toBeVisible();
  expect(page.url()).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  expect(await simTime(page)).toBe(0);
});
