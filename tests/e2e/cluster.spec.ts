import { test, expect } from '@playwright/test';
import * as fs from 'fs';
import * as path from 'path';
import { open, shot, setSpeed, play, pause, simTime, card, group, runUntilStable, partition, rebalances } from './util';

let errors: string[] = [];
test.beforeEach(async ({ page }) => {
  errors = await open(page);
});
test.afterEach(async () => {
  expect(errors).toEqual([]);
});

test('two groups read one topic independently, each getting every partition', async ({ page }) => {
  await page.getByLabel('Lesson').selectOption({ label: 'Two groups, one topic' });
  await setSpeed(page, '10×');
  await runUntilStable(page, 1, 'analytics');
  await expect(group(page, 'orders-app').getByLabel('Group state')).toHaveText('Stable');
  const members = async (id: string) =>
    (await page.getByRole('list', { name: `Consumers of ${id}` }).getByRole('listitem').all()).length;
  expect(await members('orders-app')).toBe(3);
  expect(await members('analytics')).toBe(2);
  for (const id of ['orders-app', 'analytics']) {
    const handles = await page
      .getByRole('list', { name: `Consumers of ${id}` })
      .locator('.name')
      .allInnerTexts();
    for (let p = 0; p < 6; p++) {
      const label = (await partition(page, p, 'orders', id).getAttribute('aria-label'))!;
      const owner = label.replace(/^Partition \d+: consumed by /, '');
      expect(handles, `${id} P${p}: ${label}`).toContain(owner);
    }
  }
  await shot(page, 'two-groups');
});

test('a third group added from the page joins on its own', async ({ page }) => {
  await setSpeed(page, '10×');
  await runUntilStable(page, 1);
  await page.getByRole('button', { name: 'Add group' }).click();
  await expect(card(page, 'c4')).toBeVisible();
  await expect(card(page, 'c5')).toBeVisible();
  await runUntilStable(page, 1, 'analytics');
  await expect(group(page, 'orders-app').getByLabel('Generation')).toHaveText('1');
  // Both are consumer-analytics-1: c5's random member id sorts first, so range gives it the first block.
  await expect(group(page, 'analytics').getByLabel('Assignor order')).toHaveText('c5 < c4');
  await expect(partition(page, 0, 'orders', 'analytics')).toHaveAttribute('aria-label', 'Partition 0: consumed by c5');
});

test('a new partition waits for the leader\'s metadata refresh, then a rebalance hands it out', async ({ page }) => {
  await setSpeed(page, '100×');
  await runUntilStable(page, 1);
  await page.getByRole('button', { name: 'Add partition to orders' }).click();
  await expect(partition(page, 6)).toHaveAttribute('aria-label', 'Partition 6: nobody consuming');
  const note = page.getByRole('region', { name: 'Topic orders' }).getByRole('note');
  await expect(note).toContainText('orders-app: P6 is new. Its leader c1 learns of it at its next metadata refresh (metadata.max.age.ms)');
  await shot(page, 'partition-unseen');
  await play(page);
  await expect(group(page).getByLabel('Generation')).toHaveText('2', { timeout: 30_000 });
  await expect(group(page).getByLabel('Group state')).toHaveText('Stable', { timeout: 30_000 });
  await pause(page);
  const r = (await rebalances(page)).find((x) => x.generation === 2)!;
  expect(r.reason).toBe('metadata changed');
  // Seven partitions over c1 < c3 < c2: the last block, P5 and P6, goes to c2.
  await expect(partition(page, 6)).toHaveAttribute('aria-label', /consumed by c2$/);
  await expect(note).toHaveCount(0);
});

test('a static leader back with skipAssignment leaves new partitions to nobody, and the Topics panel says why', async ({ page }) => {
  // Random-action seed 14082 (tests/model/regressions.rs pins the same note natively): g1's static
  // leader c1 stalls past max.poll.interval.ms after t1 grew from 5 to 11 partitions, rejoins at
  // 77.5 s with skipAssignment (KIP-814), and g1 stays Stable at generation 1 with t1-5…t1-10
  // assigned to nobody until c1 stalls again and leaves at 108.7 s.
  const file = path.join(__dirname, '..', 'data', 'regressions', 'seed-14082-kip-814-static-leader-skips-assignment.json');
  const box = page.getByRole('region', { name: 'Scenario file' });
  await box.getByLabel('Scenario JSON').fill(fs.readFileSync(file, 'utf8'));
  await box.getByRole('button', { name: 'Load scenario' }).click();
  await expect(box.getByRole('alert')).toHaveCount(0);
  const note = page.getByRole('note').filter({ hasText: 'skipAssignment (KIP-814)' });
  await expect(note).toHaveCount(0);
  await setSpeed(page, '10×');
  await play(page);
  await expect(note).toBeVisible({ timeout: 30_000 });
  await pause(page);
  await expect(note).toHaveText(
    'g1: t1-5, t1-6, t1-7, t1-8, t1-9, t1-10 are assigned to nobody, and no rebalance is coming for them. ' +
      'The static leader c1 came back with skipAssignment (KIP-814): "The static leader will continue with its ' +
      'existing assignment", computed before they existed or their topic was subscribed. Its check for metadata ' +
      'changes compares with the metadata it holds now, which already shows them, so it sees nothing new. They ' +
      'stay unassigned until the next rebalance: a member joining or leaving, or a topic changing again.',
  );
  expect(await simTime(page)).toBeGreaterThanOrEqual(77_000);
  await expect(group(page, 'g1').getByLabel('Group state')).toHaveText('Stable');
  await expect(group(page, 'g1').getByLabel('Generation')).toHaveText('1');
  await expect(partition(page, 5, 't1', 'g1')).toHaveAttribute('aria-label', 'Partition 5: nobody consuming');
  await shot(page, 'skipped-assignment-note');
});

test('Step jumps to the next event and Reset goes back to time zero', async ({ page }) => {
  const t0 = await simTime(page);
  await page.getByRole('button', { name: 'Step to the next event' }).click();
  await expect.poll(() => simTime(page)).toBeGreaterThan(t0);
  const t1 = await simTime(page);
  await page.getByRole('button', { name: 'Step to the next event' }).click();
  await expect.poll(() => simTime(page)).toBeGreaterThan(t1);
  await expect(page.getByRole('button', { name: 'Play' })).toBeVisible();
  await page.getByRole('button', { name: 'Reset to time zero' }).click();
  expect(await simTime(page)).toBe(0);
});

test('topics can be added and deleted; a duplicate is refused with Kafka\'s reason', async ({ page }) => {
  const cluster = page.getByRole('region', { name: 'Cluster overview' });
  await cluster.getByLabel('New topic name').fill('payments');
  await cluster.getByLabel('New topic partitions').fill('4');
  await cluster.getByRole('button', { name: 'Add topic' }).click();
  await expect(cluster).toContainText('payments');
  await cluster.getByRole('button', { name: 'Add topic' }).click();
  await expect(cluster.getByRole('alert')).toHaveText("TopicExistsException: Topic 'payments' already exists.");
  await cluster.getByRole('button', { name: 'Delete topic payments' }).click();
  await expect(cluster.getByRole('button', { name: 'Delete topic payments' })).toHaveCount(0);
});

test('a deleted topic\'s partitions stay with their owners until the leader\'s metadata refresh', async ({ page }) => {
  await setSpeed(page, '100×');
  await runUntilStable(page, 1);
  await page.getByRole('region', { name: 'Cluster overview' }).getByRole('button', { name: 'Delete topic orders' }).click();
  await expect(page.getByText('No topics. Add one in the Cluster panel.')).toBeVisible();
  const note = page.getByRole('note');
  await expect(note).toContainText('orders-app: topic orders was deleted. c1, c2, c3 still hold its partitions until its leader c1 sees the deletion');
  await expect(card(page, 'c1').getByLabel('Owned partitions')).toHaveText('P0 P1');
  await shot(page, 'topic-deleted');
  await play(page);
  await expect(group(page).getByLabel('Generation')).toHaveText('2', { timeout: 30_000 });
  await expect(group(page).getByLabel('Group state')).toHaveText('Stable', { timeout: 30_000 });
  await pause(page);
  await expect(note).toHaveCount(0);
  await expect(card(page, 'c1').getByLabel('Owned partitions')).toHaveText('—');
});

test('dark theme and the embed code', async ({ page, context }) => {
  await setSpeed(page, '10×');
  await runUntilStable(page, 1);
  await page.getByRole('button', { name: 'Dark theme' }).click();
  await expect(page.getByRole('button', { name: 'Dark theme' })).toHaveAttribute('aria-pressed', 'true');
  await shot(page, 'dark');
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.getByRole('button', { name: 'Embed' }).click();
  const dialog = page.getByRole('dialog', { name: 'Embed this session' });
  await dialog.getByRole('radio', { name: 'The whole playground' }).check();
  await dialog.getByRole('button', { name: 'Copy embed code' }).click();
  await expect(dialog.getByText('Copied: paste it into any page')).toBeVisible();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(copied).toMatch(/^<iframe src="http:\/\/127\.0\.0\.1:\d+\/#z=[A-Za-z0-9_-]+" title="Rebalance Lab"/);
});

test('the scenario file box exports the session and loads an edited one; a broken file changes nothing', async ({ page }) => {
  const box = page.getByRole('region', { name: 'Scenario file' });
  await box.getByRole('button', { name: 'Show this session' }).click();
  const json = await box.getByLabel('Scenario JSON').inputValue();
  const scenario = JSON.parse(json);
  expect(scenario.topics[0]).toEqual({ name: 'orders', partitions: 6 });

  await box.getByLabel('Scenario JSON').fill('{ "topics": [ { "name": "orders", "partitions": "six" } ] }');
  await box.getByRole('button', { name: 'Load scenario' }).click();
  await expect(box.getByRole('alert')).toContainText('This scenario cannot be loaded');
  await expect(page.getByRole('region', { name: 'Topic orders' }).getByRole('heading')).toHaveText('Topic orders · 6 partitions');

  scenario.topics[0].partitions = 8;
  scenario.name = 'Eight partitions';
  scenario.description = 'The basics, with two more partitions.';
  await box.getByLabel('Scenario JSON').fill(JSON.stringify(scenario));
  await box.getByRole('button', { name: 'Load scenario' }).click();
  await expect(page.getByRole('region', { name: 'Topic orders' }).getByRole('heading')).toHaveText('Topic orders · 8 partitions');
  await expect(box.getByRole('alert')).toHaveCount(0);
  // The page says what is loaded now: the scenario's own name and description, not the last lesson's.
  await expect(page.getByText('Eight partitions — The basics, with two more partitions.')).toBeVisible();
  await expect(page.getByLabel('Lesson')).toHaveValue('');
  await expect(page.getByLabel('Lesson').locator('option:checked')).toHaveText('Scenario: Eight partitions');
  await page.getByLabel('Lesson').selectOption('basics');
  await expect(page.getByRole('region', { name: 'Topic orders' }).getByRole('heading')).toHaveText('Topic orders · 6 partitions');
  await expect(page.getByText(/^3 consumers, 6 partitions — One group splits a topic/)).toBeVisible();
});

test('the keyboard drives the clock: Space plays and pauses, → steps', async ({ page }) => {
  await page.locator('body').click({ position: { x: 5, y: 600 } });
  await page.keyboard.press('Space');
  await expect(page.getByRole('button', { name: 'Pause' })).toBeVisible();
  await page.keyboard.press('Space');
  await expect(page.getByRole('button', { name: 'Play' })).toBeVisible();
  const t = await simTime(page);
  await page.keyboard.press('ArrowRight');
  await expect.poll(() => simTime(page)).toBeGreaterThan(t);
});

test('a sticky leader whose assignor never returns hangs, and the group goes on without it', async ({ page }) => {
  const errors = await open(page);
  // Found by the property tests (tests/model/regressions.rs checks it natively): at generation 2 the
  // sticky assignor's balancing loop never ends, in Kafka 4.1.2's own classes too. The leader c8
  // hangs inside poll(), silent; the coordinator drops it when the sync phase times out at 12.2 s.
  const file = path.join(__dirname, '..', 'data', 'regressions', 'property-sticky-endless-balancing.json');
  const box = page.getByRole('region', { name: 'Scenario file' });
  await box.getByLabel('Scenario JSON').fill(fs.readFileSync(file, 'utf8'));
  await box.getByRole('button', { name: 'Load scenario' }).click();
  await expect(box.getByRole('alert')).toHaveCount(0);
  await setSpeed(page, '10×');
  await play(page);
  const leader = card(page, 'c8');
  await expect(leader).toContainText('hung', { timeout: 30_000 });
  await expect(leader).toContainText('the sticky assignor never returns');
  await expect(group(page, 'g0').getByLabel('Generation')).toHaveText('3', { timeout: 30_000 });
  await expect(group(page, 'g0').getByLabel('Group state')).toHaveText('Stable', { timeout: 30_000 });
  await pause(page);
  await shot(page, 'hung-sticky-leader');
  // The page offers what ends a hung process: a restart.
  await expect(leader.getByRole('button', { name: /Restart/ })).toBeVisible();
  expect(errors).toEqual([]);
});
