import { test, expect } from '@playwright/test';
import { open, shot, setSpeed, card, generation, owned, runUntilStable, play, pause, simTime } from './util';

test.beforeEach(async ({ page }) => {
  (page as any).__errors = await open(page);
});

test.afterEach(async ({ page }) => {
  expect((page as any).__errors ?? []).toEqual([]);
});

test("a second thread's poll(): ConcurrentModificationException on the card, nothing else changes; a dead consumer is not offered it", async ({ page }) => {
  await page.getByRole('combobox', { name: 'Lesson' }).selectOption({ label: 'One thread per consumer' });
  await setSpeed(page, '10×');
  await runUntilStable(page, 1);
  const c1 = card(page, 'c1');
  const ownedBefore = await owned(page, 'c1');
  // The call sits behind the card's ⋯ menu, so the card's buttons keep to one row.
  await c1.locator('summary[aria-label="More actions for c1"]').click();
  const second = c1.getByRole('button', { name: 'Call poll() on c1 from a second thread' });
  await expect(second).toHaveAttribute('title', /acquire\(\) throws ConcurrentModificationException/);
  const note = c1.getByRole('note', { name: 'What is happening' });
  await second.click();
  // c1's thread waits inside poll() between batches: the call collides at once, or, if c1 is
  // processing a batch, at its next poll(). Step event by event until it has.
  let steps = 0;
  while ((await note.count()) === 0 && steps < 200) {
    await page.getByRole('button', { name: 'Step to the next event' }).click();
    steps++;
  }
  await expect(note).toContainText(/At \S+ a second thread's poll\(\) threw ConcurrentModificationException: "KafkaConsumer is not safe for multi-threaded access\. …" c1 goes on as before\./);
  await expect(c1.getByRole('alert')).toHaveCount(0);
  console.log(`the second thread's call collided after ${steps} step(s)`);
  expect(await generation(page)).toBe(1);
  expect(await owned(page, 'c1')).toBe(ownedBefore);
  await shot(page, 'second-thread');

  // The group never hears of it.
  const t = await simTime(page);
  await play(page);
  await expect.poll(() => simTime(page), { timeout: 20_000 }).toBeGreaterThan(t + 8_000);
  await pause(page);
  expect(await generation(page)).toBe(1);
  expect(await owned(page, 'c1')).toBe(ownedBefore);

  // A dead process has no threads: neither its card nor Compare's row (dead in every lane) offers the
  // call, only Restart (the model's own refusal of it is tests/model/threads.rs).
  await card(page, 'c2').getByRole('button', { name: 'Kill c2' }).click();
  await expect(card(page, 'c2').getByRole('button', { name: 'Call poll() on c2 from a second thread' })).toHaveCount(0);
  await page.getByRole('button', { name: 'Compare protocols' }).click();
  const row = page.getByRole('listitem', { name: 'Controls for c2' });
  await expect(row.getByRole('button', { name: 'Restart c2' })).toBeVisible();
  await expect(row.getByRole('button', { name: 'Call poll() on c2 from a second thread' })).toHaveCount(0);
  // c1 runs in every lane: its row still offers the call.
  await expect(page.getByRole('listitem', { name: 'Controls for c1' }).getByRole('button', { name: 'Call poll() on c1 from a second thread' })).toHaveCount(1);
});
