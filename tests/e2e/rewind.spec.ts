import { test, expect } from '@playwright/test';
import { open, shot, setSpeed, runUntilStable, card, group, simTime, play, pause } from './util';

test.beforeEach(async ({ page }) => {
  (page as any).__errors = await open(page);
});

test.afterEach(async ({ page }) => {
  expect((page as any).__errors ?? []).toEqual([]);
});

const scrubber = (page) => page.getByRole('group', { name: 'Time' });

/** What the page shows of the model: every card, the group header, the partition strip. */
async function picture(page) {
  return {
    cards: await page.locator('.cards').allInnerTexts(),
    header: await group(page).locator('.group-head, header').first().innerText().catch(() => ''),
    strip: await page.locator('.topics-panel').innerText(),
  };
}

test('rewind to an earlier time and forward again gives the identical state; acting in the past forks', async ({ page }) => {
  await setSpeed(page, '10×');
  await runUntilStable(page, 1);
  await card(page, 'c2').getByRole('button', { name: /^Kill/ }).click();
  await setSpeed(page, '100×');
  await play(page);
  await expect(group(page).getByLabel('Generation')).toHaveText('2', { timeout: 30_000 });
  await expect(group(page).getByLabel('Group state')).toHaveText('Stable', { timeout: 30_000 });
  await pause(page);
  const end = await simTime(page);
  const atEnd = await picture(page);

  // Jump to the rebalance of generation 2 from its tick, then step back one event.
  await scrubber(page).getByRole('button', { name: /^Jump to the rebalance of orders-app to generation 2/ }).click();
  await expect(scrubber(page).getByRole('status')).toContainText('Rewound (the run reached');
  await expect(card(page, 'c2')).toContainText('dead');
  const rebalanceAt = await simTime(page);
  expect(rebalanceAt).toBeLessThan(end);
  await page.keyboard.press('ArrowLeft');
  expect(await simTime(page)).toBeLessThan(rebalanceAt);
  await shot(page, 'rewound');

  // Forward again to the same time: the identical picture.
  await scrubber(page).getByRole('slider', { name: 'Simulated time to show' }).fill(String(end));
  expect(await simTime(page)).toBe(end);
  expect(await picture(page)).toEqual(atEnd);
  await expect(scrubber(page).getByRole('status')).toHaveCount(0);

  // Back before the kill, and play through it: the recorded kill replays.
  await scrubber(page).getByRole('slider', { name: 'Simulated time to show' }).fill('7000');
  await expect(card(page, 'c2')).not.toContainText('dead');
  await play(page);
  await expect(card(page, 'c2')).toContainText('dead', { timeout: 20_000 });
  await pause(page);

  // Back before the kill again, and act: the run forks and says so.
  await scrubber(page).getByRole('slider', { name: 'Simulated time to show' }).fill('7000');
  await card(page, 'c3').getByRole('button', { name: /^Close/ }).click();
  await expect(page.getByRole('alert')).toContainText('the run forks here: the 1 later action of the old run was dropped');
  await play(page);
  await page.waitForTimeout(1500);
  await pause(page);
  await expect(card(page, 'c2')).not.toContainText('dead');
});

test("while comparing, the scrubber's ticks say they are the first lane's rebalances", async ({ page }) => {
  await setSpeed(page, '10×');
  await runUntilStable(page, 1);
  const tick = scrubber(page).getByRole('button', { name: /^Jump to the rebalance of orders-app to generation 1/ });
  await expect(tick).not.toHaveAccessibleName(/first lane/);
  await page.getByRole('button', { name: 'Compare protocols' }).click();
  await expect(page.getByRole('region', { name: 'Compare protocols' })).toBeVisible();
  // The lanes rebalance at different moments: the one row of ticks is the first lane's.
  await expect(tick).toHaveAccessibleName(/ in the first lane, eager · range$/);
  await expect(tick).toHaveAttribute('title', / in the first lane, eager · range$/);
});
