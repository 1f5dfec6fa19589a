import { test, expect, Page } from '@playwright/test';
import { open, shot, group, card, simTime, guide, playStep } from './util';

test.beforeEach(async ({ page }) => {
  (page as any).__errors = await open(page);
});

test.afterEach(async ({ page }) => {
  expect((page as any).__errors ?? []).toEqual([]);
});

async function startLesson(page: Page, title: string) {
  await page.getByRole('combobox', { name: 'Lesson' }).selectOption({ label: title });
  await page.getByRole('button', { name: 'Start the guide' }).click();
  await expect(guide(page)).toBeVisible();
}

test('a lesson picked from the picker runs under its own protocol, whatever the page ran before', async ({ page }) => {
  // The picker used to keep the page's protocol: the KIP-848 lesson opened as an eager group under
  // its KIP-848 description, the rolling upgrade's "cooperative-sticky group" as eager range.
  const protocol = page.getByLabel('Protocol and assignor');
  await protocol.selectOption({ label: 'eager · roundrobin' });
  await page.getByRole('combobox', { name: 'Lesson' }).selectOption({ label: 'KIP-848: the consumer protocol' });
  await expect(protocol.locator('option:checked')).toHaveText('KIP-848 · consumer protocol (uniform)');
  await page.getByRole('button', { name: /Skip to Stable/ }).click();
  await expect(group(page).getByLabel('Group protocol')).toHaveText('consumer (KIP-848)');
  await page.getByRole('combobox', { name: 'Lesson' }).selectOption({ label: 'Rolling upgrade to KIP-848' });
  await expect(protocol.locator('option:checked')).toHaveText('cooperative · cooperative-sticky');
  await page.getByRole('combobox', { name: 'Lesson' }).selectOption({ label: 'A crash and the session timeout' });
  await expect(protocol.locator('option:checked')).toHaveText('Kafka default (eager · range)');
});

test('the crash lesson: predict, watch the session expire, then a sandbox; Back and the link keep the place', async ({ page }) => {
  await startLesson(page, 'A crash and the session timeout');
  const g = guide(page);
  await expect(g).toContainText('Step 1 of 3');
  await expect(page.locator('.topics-panel')).toHaveClass(/watched/);
  await playStep(page);
  await expect(g).toContainText('Stable at generation 1');
  await expect(group(page).getByLabel('Generation')).toHaveText('1');

  await g.getByRole('button', { name: 'Next ›' }).click();
  await expect(g).toContainText('Step 2 of 3');
  await expect(card(page, 'c2')).toHaveClass(/watched/);
  // The question holds the simulation: Play does nothing until the learner predicts.
  const before = await simTime(page);
  await page.getByRole('button', { name: 'Play' }).click();
  await page.waitForTimeout(300);
  expect(await simTime(page)).toBe(before);
  await shot(page, 'lesson-question');
  await playStep(page, /^At once/);
  await expect(g.getByRole('button', { name: /^When c2's session expires.*the simulation's answer/ })).toBeVisible();
  await expect(g.getByRole('button', { name: /^At once.*✗/ })).toBeVisible();
  await expect(g).toContainText('Only heartbeats keep a classic member in the group');
  await expect(group(page).getByLabel('Group state')).toHaveText('PreparingRebalance');
  await shot(page, 'lesson-revealed');

  // The place is part of the share link: reopening it lands on the same step.
  await page.getByRole('button', { name: 'Copy share link' }).click();
  const url = page.url();
  expect(url).toContain('&step=crash/1');

  await g.getByRole('button', { name: 'Next ›' }).click();
  await playStep(page);
  await expect(g).toContainText('three each');
  await g.getByRole('button', { name: 'Finish ›' }).click();
  await expect(g).toContainText('Your turn');
  await expect(g).toContainText('Sandbox');

  await g.getByRole('button', { name: '‹ Back' }).click();
  await expect(g).toContainText('Step 3 of 3');

  const other = await page.context().newPage();
  await other.goto(url);
  await expect(guide(other)).toContainText('Step 2 of 3');
  await expect(guide(other)).toContainText('Predict: When does the coordinator remove c2');
  await other.close();
});

test("the guide's Restart goes back to step 1 at time zero, its answers forgotten, from a step and from the sandbox", async ({ page }) => {
  await startLesson(page, 'A crash and the session timeout');
  const g = guide(page);
  const restart = g.getByRole('button', { name: 'Restart', exact: true });
  await playStep(page);
  await g.getByRole('button', { name: 'Next ›' }).click();
  await playStep(page, /^At once/);
  await expect(g.getByRole('button', { name: /^At once.*✗/ })).toBeVisible();
  const reached = await simTime(page);
  expect(reached).toBeGreaterThan(10_000);

  // From a step: step 1 of the lesson as it opens, from time zero again (the step plays itself, at
  // the guide's speed, and waits for its moment before Next).
  await restart.click();
  await expect(g).toContainText('Step 1 of 3');
  await expect(g.getByRole('button', { name: '‹ Back' })).toBeDisabled();
  await expect(g.getByRole('button', { name: 'Next ›' })).toBeDisabled();
  expect(await simTime(page)).toBeLessThan(reached);
  await expect(page.getByLabel('Speed value')).toHaveText('2×');
  // The question asks again: the earlier answer is forgotten and the simulation waits for one.
  await playStep(page);
  await g.getByRole('button', { name: 'Next ›' }).click();
  await expect(g).toContainText('Step 2 of 3');
  await expect(g.getByRole('button', { name: /✗|the simulation's answer/ })).toHaveCount(0);
  const held = await simTime(page);
  await page.getByRole('button', { name: 'Play' }).click();
  await page.waitForTimeout(300);
  expect(await simTime(page)).toBe(held);

  // From the sandbox.
  await g.getByRole('button', { name: 'Sandbox' }).click();
  await expect(g).toContainText('Your turn');
  const sandboxAt = await simTime(page);
  await restart.click();
  await expect(g).toContainText('Step 1 of 3');
  expect(await simTime(page)).toBeLessThan(sandboxAt);
});

/** Each lesson from its first step to its last, every question answered with the simulation's answer. */
const LESSONS: [string, (RegExp | undefined)[]][] = [
  ['3 consumers, 6 partitions', [/^Two each/, /^Every consumer/]],
  ['Kafka 4.x defaults', [undefined, /^42 to 45 s/, undefined]],
  ['Slow consumers: eager vs cooperative', [undefined, /^Only what moves/]],
  ['More consumers than partitions', [/^One$/, /^No: range/]],
  ['Two groups, one topic', [undefined, /^No: each group/]],
  ['Static members', [undefined, /^No: the coordinator/, undefined, /^Yes: its old membership/]],
  ['A slow consumer and max.poll.interval.ms', [undefined, /^c1 itself/, undefined]],
  ['The leader, JoinGroup and SyncGroup', [/^c1, the first/, /^The leader, c1/, undefined]],
  ['Creating a consumer and its poll loop', [/^After about 3 s/, undefined]],
  ['What old tutorials get wrong', [/^range$/, /^No: a background thread/]],
  ['A rolling deploy of six consumers', [undefined, /^12$/]],
  ['A rolling deploy with static members', [undefined, /^None$/]],
  ['One thread per consumer', [undefined, /^It throws ConcurrentModificationException/, /^No: the group and c1/]],
  ['poll(Duration.ZERO)', [/^About 3 s later/, undefined]],
  ['KIP-848: the consumer protocol', [/^The group coordinator on the broker/, /^None: one of them/, /^No: c2's partitions/]],
  ['Records processed twice', [undefined, /^None in the eager group, a few/, /^At the last committed offsets/]],
];

for (const [title, answers] of LESSONS) {
  test(`lesson "${title}" plays from its first step to its sandbox`, async ({ page }) => {
    await startLesson(page, title);
    const g = guide(page);
    for (let i = 0; i < answers.length; i++) {
      await expect(g).toContainText(`Step ${i + 1} of ${answers.length}`);
      await playStep(page, answers[i]);
      const answer = answers[i];
      if (answer) {
        const revealed = new RegExp(answer.source.replace(/\$$/, '') + ".* ✓ the simulation's answer$");
        await expect(g.getByRole('button', { name: /the simulation's answer/ })).toHaveAccessibleName(revealed);
      }
      await g.getByRole('button', { name: /^(Next|Finish) ›$/ }).click();
    }
    await expect(g).toContainText('Your turn');
  });
}
