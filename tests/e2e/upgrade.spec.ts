import { test, expect, Page } from '@playwright/test';
import { open, shot, group, guide, playStep as playToMoment } from './util';

test.beforeEach(async ({ page }) => {
  (page as any).__errors = await open(page);
});

test.afterEach(async ({ page }) => {
  expect((page as any).__errors ?? []).toEqual([]);
});

/** Plays the step like `playStep`, then checks the learner's answer was the simulation's. */
async function playStep(page: Page, choice?: RegExp) {
  await playToMoment(page, choice);
  if (choice) {
    const revealed = new RegExp(choice.source + ".* ✓ the simulation's answer$");
    await expect(guide(page).getByRole('button', { name: /the simulation's answer/ })).toHaveAccessibleName(revealed);
  }
}

test('the rolling upgrade lesson: the group turns mixed, the panel shows each member\'s protocol, then all consumer', async ({ page }) => {
  await page.getByRole('combobox', { name: 'Lesson' }).selectOption({ label: 'Rolling upgrade to KIP-848' });
  await page.getByRole('button', { name: 'Start the guide' }).click();
  const g = guide(page);
  await expect(g).toContainText('Step 1 of 4');
  await playStep(page);
  await g.getByRole('button', { name: 'Next ›' }).click();

  // c1 returns with group.protocol=consumer: the group converts and stays mixed.
  await playStep(page, /^Converts the group into a consumer group/);
  const panel = group(page);
  await expect(panel.getByLabel('Group protocol')).toHaveText('mixed: consumer (KIP-848) group with classic members');
  const members = panel.getByRole('table', { name: 'Member epochs' });
  await expect(members.getByRole('row', { name: 'Member c1' }).getByLabel('Member protocol')).toHaveText('consumer');
  await expect(members.getByRole('row', { name: 'Member c2' }).getByLabel('Member protocol')).toHaveText('classic');
  await expect(members.getByRole('row', { name: 'Member c3' }).getByLabel('Member protocol')).toHaveText('classic');
  await expect(panel.getByLabel('Mixed group')).toContainText('still use the classic protocol');
  await shot(page, 'upgrade-mixed-group');
  await g.getByRole('button', { name: 'Next ›' }).click();

  await playStep(page, /^No: c1 gets a partition/);
  await g.getByRole('button', { name: 'Next ›' }).click();

  await playStep(page, /^A consumer group whose members all use the consumer protocol/);
  await expect(panel.getByLabel('Group protocol')).toHaveText('consumer (KIP-848)');
  await expect(panel.getByLabel('Mixed group')).toHaveCount(0);
  await shot(page, 'upgrade-all-consumer');
  await g.getByRole('button', { name: 'Finish ›' }).click();
  await expect(g).toContainText('Your turn');
});
