import { test, expect, Page } from '@playwright/test';
import { open, shot, setSpeed, play, pause, simTime, card, group, generation, runUntilStable, owned, rebalances } from './util';

let errors: string[] = [];
test.beforeEach(async ({ page }) => {
  errors = await open(page);
});
test.afterEach(async () => {
  expect(errors).toEqual([]);
});

test('a static member restarted within session.timeout.ms keeps its partitions without a rebalance', async ({ page }) => {
  await page.getByLabel('Lesson').selectOption({ label: 'Static members' });
  await setSpeed(page, '10×');
  await runUntilStable(page, 1);
  await expect(card(page, 'c2')).toContainText('static');
  expect(await owned(page, 'c2')).toBe('P2 P3');

  await card(page, 'c2').getByRole('button', { name: 'Kill c2' }).click();
  const killedAt = await simTime(page);
  await setSpeed(page, '1×');
  await play(page);
  await expect.poll(() => simTime(page), { timeout: 10_000 }).toBeGreaterThan(killedAt + 2_000);
  await pause(page);
  await card(page, 'c2').getByRole('button', { name: 'Restart c2' }).click();
  await setSpeed(page, '10×');
  await play(page);
  await expect(card(page, 'c2').getByLabel('Owned partitions')).toHaveText('P2 P3', { timeout: 20_000 });
  await expect.poll(() => simTime(page), { timeout: 20_000 }).toBeGreaterThan(killedAt + 25_000);
  await pause(page);
  // Same generation, same partitions: the coordinator replaced the member without a rebalance.
  expect(await generation(page)).toBe(1);
  expect(await owned(page, 'c2')).toBe('P2 P3');
  await shot(page, 'static-restart');

  // Down longer than session.timeout.ms: expiry rebalances, and so does the return.
  await card(page, 'c3').getByRole('button', { name: 'Kill c3' }).click();
  await runUntilStable(page, 2);
  expect((await rebalances(page)).find((r) => r.generation === 2)!.reason).toBe('session expired');
  await card(page, 'c3').getByRole('button', { name: 'Restart c3' }).click();
  await runUntilStable(page, 3);
  expect(await owned(page, 'c3')).toBe('P4 P5');
});

async function laneState(page: Page, label: string) {
  return page.getByRole('region', { name: `Lane ${label}` }).locator('.lane-state');
}

/** Compare eager range with cooperative-sticky while a fourth consumer joins a stable group. */
/** Eager and cooperative side by side (Compare opened here, unless a lesson opened it already). */
async function compareAJoin(page: Page) {
  const compare = page.getByRole('button', { name: 'Compare protocols' });
  if (await compare.isVisible()) await compare.click();
  await expect(page.getByRole('region', { name: 'Compare protocols' })).toBeVisible();
  await setSpeed(page, '10×');
  await play(page);
  await expect(await laneState(page, 'eager · range')).toHaveText('Stable · generation 1', { timeout: 30_000 });
  await expect(await laneState(page, 'cooperative · cooperative-sticky')).toHaveText('Stable · generation 1', { timeout: 30_000 });
  await pause(page);
  await page.getByRole('button', { name: 'Add consumer' }).click();
  await play(page);
  await expect(await laneState(page, 'eager · range')).toHaveText('Stable · generation 2', { timeout: 30_000 });
  // Cooperative needs two rounds: the owner revokes in the first, the newcomer gets it in the second.
  await expect(await laneState(page, 'cooperative · cooperative-sticky')).toHaveText('Stable · generation 3', { timeout: 30_000 });
  await pause(page);
}

test('compare: eager revokes everything, cooperative only what moves', async ({ page }) => {
  await compareAJoin(page);
  const table = page.getByRole('table', { name: 'Comparison metrics' });
  // Counted, not ranked: cooperative's second round is its price, not a loss.
  // The third lane is KIP-848's: its count is group epoch bumps, one per member that joined.
  expect((await table.getByRole('row', { name: /^Rebalances/ }).locator('td').allInnerTexts()).slice(0, 2)).toEqual(['2', '3']);
  await expect(table.getByRole('row', { name: /^Partitions revoked or lost/ })).toHaveText(/Partitions revoked or lost\s*6\s*1/);
  await shot(page, 'compare');
});

test('the Static ID toggle applies at the next restart, as Kafka reads group.instance.id at construction', async ({ page }) => {
  await setSpeed(page, '10×');
  await runUntilStable(page, 1);
  const toggle = card(page, 'c1').getByLabel('Static ID for c1');
  await toggle.click();
  await expect(card(page, 'c1').getByRole('alert')).toContainText('Kafka reads group.instance.id only when the consumer is created');
  await expect(toggle).not.toBeChecked();
  await card(page, 'c1').getByRole('button', { name: 'Close c1' }).click();
  await runUntilStable(page, 2);
  await toggle.click();
  await expect(toggle).toBeChecked();
  await card(page, 'c1').getByRole('button', { name: 'Restart c1' }).click();
  await expect(card(page, 'c1')).toContainText('static');
  await runUntilStable(page, 3);
  await expect(card(page, 'c1').locator('.member-id')).toContainText('c1-instance-');
});

test('compare with slow consumers: eager pauses members at the barrier, cooperative pauses nobody', async ({ page }) => {
  await page.getByLabel('Lesson').selectOption({ label: 'Slow consumers: eager vs cooperative' });
  // The lesson opens as its description says: eager and cooperative side by side.
  await expect(page.getByRole('button', { name: 'Stop comparing' })).toBeVisible();
  await expect(page.getByRole('region', { name: /^Lane / })).toHaveCount(2);
  await expect(page.getByRole('region', { name: 'Lane eager · range' })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Lane cooperative · cooperative-sticky' })).toBeVisible();
  await compareAJoin(page);
  const pauses = page.getByRole('table', { name: 'Comparison metrics' }).getByRole('row', { name: /^Longest pause/ });
  const cells = await pauses.locator('td').allInnerTexts();
  expect(cells[1]).toMatch(/^0 ms( ✓)?$/);
  expect(cells[0]).not.toMatch(/^0 ms/);
  await shot(page, 'compare-slow-consumers');
});

test('a second process with a live static member\'s group.instance.id fences the first', async ({ page }) => {
  await page.getByLabel('Lesson').selectOption({ label: 'Static members' });
  await setSpeed(page, '10×');
  await runUntilStable(page, 1);
  expect(await owned(page, 'c2')).toBe('P2 P3');

  const form = page.getByRole('region', { name: 'Add a consumer' });
  await form.getByLabel('group.instance.id').fill('orders-app-2');
  await form.getByRole('button', { name: 'Add consumer' }).click();
  await play(page);
  // The newcomer takes over the instance's assignment without a rebalance; the old process learns at
  // its next heartbeat or auto-commit that it was replaced (FENCED_INSTANCE_ID), and its next poll()
  // throws FencedInstanceIdException.
  await expect(card(page, 'c2').getByLabel('Consumer state')).toHaveText('fenced', { timeout: 20_000 });
  await expect(card(page, 'c2').getByLabel('Fatal error')).toContainText('FencedInstanceIdException: ');
  await expect(card(page, 'c4').getByLabel('Owned partitions')).toHaveText('P2 P3', { timeout: 20_000 });
  await pause(page);
  expect(await generation(page)).toBe(1);
  expect(await owned(page, 'c2')).toBe('—');
  await shot(page, 'static-fenced');
});

test('compare: Kill from the compare controls reaches every lane; both rebalance when the session expires', async ({ page }) => {
  // A projector's size: the compare view must stay readable here.
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.getByRole('button', { name: 'Compare protocols' }).click();
  const eager = page.getByRole('region', { name: 'Lane eager · range' });
  const coop = page.getByRole('region', { name: 'Lane cooperative · cooperative-sticky' });
  await setSpeed(page, '10×');
  await play(page);
  await expect(await laneState(page, 'eager · range')).toHaveText('Stable · generation 1', { timeout: 30_000 });
  await expect(await laneState(page, 'cooperative · cooperative-sticky')).toHaveText('Stable · generation 1', { timeout: 30_000 });
  await pause(page);

  // The group cards are not shown while comparing: this is the only "Kill c2" on the page.
  await expect(page.getByRole('button', { name: 'Kill c2' })).toHaveCount(1);
  const c2 = page.getByRole('listitem', { name: 'Controls for c2' });
  await c2.getByRole('button', { name: 'Kill c2' }).click();
  await expect(c2.getByLabel('State of c2 per lane')).toHaveText(/eager · range: dead\s*cooperative · cooperative-sticky: dead\s*KIP-848 · consumer protocol \(uniform\): dead/);

  await play(page);
  await expect(eager.getByLabel('Last rebalance')).toContainText('session expired', { timeout: 30_000 });
  await expect(coop.getByLabel('Last rebalance')).toContainText('session expired', { timeout: 30_000 });
  await expect(await laneState(page, 'eager · range')).toHaveText(/^Stable/, { timeout: 30_000 });
  await expect(await laneState(page, 'cooperative · cooperative-sticky')).toHaveText(/^Stable/, { timeout: 30_000 });
  await pause(page);
  // Each lane's own timeline marks the expiry.
  await expect(eager.getByLabel(/^Rebalance to generation 2 · session expired/)).toHaveCount(1);
  await expect(coop.getByLabel(/^Rebalance to generation 2 · session expired/)).toHaveCount(1);
  // Fewer rebalances is not better in itself: that row gets no ✓.
  const table = page.getByRole('table', { name: 'Comparison metrics' });
  await expect(table.getByRole('row', { name: /^Rebalances/ })).not.toContainText('✓');
  await shot(page, 'compare-kill');
  await page.getByRole('button', { name: 'Dark theme' }).click();
  await shot(page, 'compare-kill-dark');
});

test("compare: a consumer dead in every lane offers Restart, not Kill, as its card does", async ({ page }) => {
  await setSpeed(page, '10×');
  await runUntilStable(page, 1);
  await page.getByRole('button', { name: 'Compare protocols' }).click();
  const row = (h: string) => page.getByRole('listitem', { name: `Controls for ${h}` });
  await expect(row('c2').getByRole('button', { name: 'Kill c2' })).toBeVisible();
  await expect(row('c2').getByRole('button', { name: 'Restart c2' })).toHaveCount(0);
  await row('c2').getByRole('button', { name: 'Kill c2' }).click();
  // Dead in every lane: nothing left to kill, close or stall.
  await expect(row('c2').getByLabel('State of c2 per lane')).not.toContainText('stable');
  for (const verb of ['Kill', 'Close', 'Stall']) await expect(row('c2').getByRole('button', { name: `${verb} c2` })).toHaveCount(0);
  await expect(row('c2').getByRole('button', { name: 'Restart c2' })).toBeVisible();
  await expect(row('c1').getByRole('button', { name: 'Kill c1' })).toBeVisible();
  await expect(row('c1').getByRole('button', { name: 'Restart c1' })).toHaveCount(0);
  // Restarted in every lane, it can be killed again.
  await row('c2').getByRole('button', { name: 'Restart c2' }).click();
  await expect(row('c2').getByRole('button', { name: 'Kill c2' })).toBeVisible();
  await expect(row('c2').getByRole('button', { name: 'Restart c2' })).toHaveCount(0);
});
