import { test, expect, Page } from '@playwright/test';
import * as fs from 'fs';
import * as path from 'path';
import { open, shot, group, guide, card, playStep as playToMoment, setSpeed, play, pause, simTime, rebalances } from './util';

const downgrade = fs.readFileSync(path.join(__dirname, '..', '..', 'examples', 'rolling-downgrade-static.json'), 'utf8');

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

test('a static rolling downgrade: each classic restart takes its member\'s place, the last one turns the group classic with no rebalance', async ({ page }) => {
  const box = page.getByRole('region', { name: 'Scenario file' });
  await box.getByLabel('Scenario JSON').fill(downgrade);
  await box.getByRole('button', { name: 'Load scenario' }).click();
  await expect(box.getByRole('alert')).toHaveCount(0);
  // The file's group is on group.protocol=consumer: the page runs it under KIP-848, as it says.
  await expect(page.getByLabel('Protocol and assignor')).toHaveValue('kip848');
  await setSpeed(page, '100×');
  await play(page);
  await expect.poll(() => simTime(page), { timeout: 30_000 }).toBeGreaterThan(120_000);
  await pause(page);

  // c3 came back on the classic protocol last: the group is a classic group again, Stable at the
  // consumer group's epoch, each member with the partitions it had.
  const panel = group(page);
  await expect(panel.getByLabel('Group protocol')).toHaveCount(0);
  await expect(panel.getByLabel('Group state')).toHaveText('Stable');
  await expect(panel.getByLabel('Generation')).toHaveText('3');
  for (const [handle, owns] of [['c1', 'P0 P1'], ['c2', 'P3 P4'], ['c3', 'P2 P5']]) {
    await expect(card(page, handle).getByLabel('Owned partitions')).toHaveText(owns);
  }
  await shot(page, 'downgrade-classic-again');
  // Only the three joins at the start bumped the epoch: no replacement and no conversion rebalanced.
  const bumps = await rebalances(page);
  expect(bumps.length).toBe(3);
  for (const b of bumps) expect(b.startedAt).toBeLessThan(1_000);

  // Rewound to 85 s, c1 and c2 are classic members of the consumer group and c3 still speaks KIP-848.
  const time = page.getByRole('group', { name: 'Time' });
  await time.getByRole('slider', { name: 'Simulated time to show' }).fill('85000');
  await expect(time.getByRole('status')).toContainText('Rewound');
  await expect(panel.getByLabel('Group protocol')).toHaveText('mixed: consumer (KIP-848) group with classic members');
  const members = panel.getByRole('table', { name: 'Member epochs' });
  for (const [handle, protocol] of [['c1', 'classic'], ['c2', 'classic'], ['c3', 'consumer']]) {
    await expect(members.getByRole('row', { name: `Member ${handle}` }).getByLabel('Member protocol')).toHaveText(protocol);
  }
  await expect(panel.getByLabel('Mixed group')).toContainText('When a classic static member takes that member\'s group.instance.id instead');
  await shot(page, 'downgrade-mixed');
});
