import { test, expect } from '@playwright/test';
import * as fs from 'fs';
import * as path from 'path';
import { open, shot, setSpeed, play, pause, simTime, card, owned } from './util';

// A scenario with a producer: each partition is drawn as a log for the group (log-end, committed,
// position, lag), records processed twice are marked, and Metrics counts them per rebalance.

const example = fs.readFileSync(path.join(__dirname, '..', '..', 'examples', 'records-join-and-crash.json'), 'utf8');

test('partition logs show lag and the records a moved partition makes the group read twice', async ({ page }) => {
  const errors = await open(page);
  const box = page.getByRole('region', { name: 'Scenario file' });
  await box.getByLabel('Scenario JSON').fill(example);
  await box.getByRole('button', { name: 'Load scenario' }).click();
  await expect(box.getByRole('alert')).toHaveCount(0);

  const logs = page.getByRole('region', { name: 'Records of orders in orders-app' });
  await expect(logs.getByRole('listitem')).toHaveCount(6);

  await setSpeed(page, '10×');
  await play(page);
  // The page runs the scenario under the strategy its group sets, cooperative-sticky: c3's join at
  // 20 s moves partitions their old owners read past their last commit, and c3 reads those again.
  await expect(page.getByLabel('Protocol and assignor')).toHaveValue(/cooperative/);
  await expect.poll(() => simTime(page), { timeout: 30_000 }).toBeGreaterThan(22_000);
  await pause(page);
  await expect(logs.getByText(/^orders-app: lag \d+ · [1-9]\d* records processed twice$/)).toBeVisible();
  // c1 is killed at 40 s; after its session times out (45 s) its partitions move, and the new owners
  // read again what c1 processed after its last auto-commit.
  await setSpeed(page, '100×');
  await play(page);
  await expect.poll(() => simTime(page), { timeout: 30_000 }).toBeGreaterThan(95_000);
  await pause(page);

  const p0 = logs.getByRole('listitem', { name: /^P0 · log-end \d+ · committed \d+ · position (\d+|none) · lag \d+/ });
  await expect(p0).toBeVisible();
  await expect(logs.getByText(/lag \d+ · [1-9]\d* records processed twice/)).toBeVisible();
  await expect(logs.locator('li.has-duplicates').first()).toBeVisible();
  await expect(logs.getByText(/^Each bar is a partition's log/)).toBeVisible();
  await shot(page, 'records-logs');

  await page.getByRole('tab', { name: 'Metrics' }).click();
  await expect(page.getByText(/records processed twice \(of \d+\)/)).toBeVisible();
  const header = page.getByRole('table', { name: 'Rebalances' }).getByRole('columnheader', { name: 'read twice' });
  await expect(header).toBeVisible();
  await shot(page, 'records-metrics');
  expect(errors).toEqual([]);
});

test('a scenario without producers shows no logs and no duplicate column', async ({ page }) => {
  const errors = await open(page);
  await expect(page.getByRole('region', { name: /^Records of / })).toHaveCount(0);
  await page.getByRole('tab', { name: 'Metrics' }).click();
  await expect(page.getByRole('columnheader', { name: 'read twice' })).toHaveCount(0);
  expect(errors).toEqual([]);
});

test('compare: the records each protocol makes the group read twice, on the same scenario', async ({ page }) => {
  const errors = await open(page);
  const box = page.getByRole('region', { name: 'Scenario file' });
  await box.getByLabel('Scenario JSON').fill(example);
  await box.getByRole('button', { name: 'Load scenario' }).click();
  await page.getByRole('button', { name: 'Compare protocols' }).click();
  await expect(page.getByRole('region', { name: 'Compare protocols' })).toBeVisible();
  await setSpeed(page, '10×');
  await play(page);
  // c3 joins at 20 s; stop before c1's crash at 40 s moves anything.
  await expect.poll(() => simTime(page), { timeout: 30_000 }).toBeGreaterThan(27_000);
  await pause(page);
  expect(await simTime(page)).toBeLessThan(40_000);
  const row = page.getByRole('table', { name: 'Comparison metrics' }).getByRole('row', { name: /^Records processed twice/ });
  const cells = await row.locator('td').allInnerTexts();
  // Eager commits in onJoinPrepare and stops; cooperative keeps reading what it is about to give up.
  expect(cells[0]).toMatch(/^0 ✓$/);
  expect(Number(cells[1])).toBeGreaterThan(0);
  await shot(page, 'records-compare');
  expect(errors).toEqual([]);
});

test('the producer control changes the rate and the keys; a bad number changes nothing', async ({ page }) => {
  const errors = await open(page);
  const box = page.getByRole('region', { name: 'Scenario file' });
  await box.getByLabel('Scenario JSON').fill(example);
  await box.getByRole('button', { name: 'Load scenario' }).click();
  await expect(page.getByLabel('Producer p1 rate')).toHaveText(/^200 records\/s, 100 keys · \d+ sent$/);

  await page.getByLabel('Records per second of p1').fill('-5');
  await page.getByLabel('Records per second of p1').dispatchEvent('change');
  await page.getByRole('button', { name: 'Set rate of p1' }).click();
  await expect(page.getByText(/Records per second and keys must be whole numbers/)).toBeVisible();
  await expect(page.getByLabel('Producer p1 rate')).toHaveText(/^200 records\/s, 100 keys/);

  await page.getByLabel('Records per second of p1').fill('0');
  await page.getByLabel('Records per second of p1').dispatchEvent('change');
  await page.getByRole('button', { name: 'Set rate of p1' }).click();
  await expect(page.getByLabel('Producer p1 rate')).toHaveText(/^paused · \d+ sent$/);

  await page.getByLabel('Records per second of p1').fill('500');
  await page.getByLabel('Records per second of p1').dispatchEvent('change');
  await page.getByLabel('Keys of p1').fill('0');
  await page.getByLabel('Keys of p1').dispatchEvent('change');
  await page.getByRole('button', { name: 'Set rate of p1' }).click();
  await expect(page.getByLabel('Producer p1 rate')).toHaveText(/^500 records\/s, unkeyed · \d+ sent$/);
  await setSpeed(page, '10×');
  await play(page);
  await expect.poll(() => simTime(page), { timeout: 30_000 }).toBeGreaterThan(8_000);
  await pause(page);
  const sent = Number((await page.getByLabel('Producer p1 rate').innerText()).match(/(\d+) sent/)![1]);
  expect(sent).toBeGreaterThan(3_000);
  await shot(page, 'records-producer-control');
  expect(errors).toEqual([]);
});

// A poison pill: a consumer whose value.deserializer is LongDeserializer meets a 6-byte value. Its
// card shows the RecordDeserializationException with partition and offset; "Seek past" skips it.
const pillScenario = JSON.stringify({
  name: 'poison-pill',
  seed: 3,
  topics: [{ name: 'orders', partitions: 2 }],
  groups: [{
    group_id: 'orders-app',
    config: {
      'auto.offset.reset': 'earliest',
      'processing.time.ms': 10,
      'value.deserializer': 'org.apache.kafka.common.serialization.LongDeserializer',
    },
  }],
  consumers: [{ group: 'orders-app', topics: ['orders'], count: 1 }],
  producers: [{ topic: 'orders', records_per_sec: 50, keys: 10 }],
  actions: [],
  duration_ms: 600000,
});

test('a poison pill stops the consumer until the learner seeks past it', async ({ page }) => {
  const errors = await open(page);
  const box = page.getByRole('region', { name: 'Scenario file' });
  await box.getByLabel('Scenario JSON').fill(pillScenario);
  await box.getByRole('button', { name: 'Load scenario' }).click();
  await expect(box.getByRole('alert')).toHaveCount(0);

  await setSpeed(page, '10×');
  await play(page);
  await expect.poll(() => simTime(page), { timeout: 30_000 }).toBeGreaterThan(5_000);
  await pause(page);

  // A partition the producer does not know is refused, and nothing is sent.
  await page.getByLabel('Poison pill partition of p1').fill('7');
  await page.getByLabel('Poison pill partition of p1').dispatchEvent('change');
  await page.getByRole('button', { name: 'Poison pill from p1' }).click();
  await expect(page.getByText(/partition 7 is not one of them/)).toBeVisible();

  await page.getByLabel('Poison pill partition of p1').fill('1');
  await page.getByLabel('Poison pill partition of p1').dispatchEvent('change');
  await page.getByRole('button', { name: 'Poison pill from p1' }).click();
  await play(page);
  const c1 = card(page, 'c1');
  const stuck = c1.getByRole('alert', { name: 'c1 is stuck on a record' });
  await expect(stuck).toBeVisible({ timeout: 30_000 });
  await pause(page);
  await expect(stuck).toContainText(
    /RecordDeserializationException: Error deserializing VALUE for partition orders-1 at offset \d+\. If needed, please seek past the record to continue consumption\./,
  );
  const offset = Number((await stuck.innerText()).match(/at offset (\d+)/)![1]);
  expect(offset).toBeGreaterThan(0);
  const logs = page.getByRole('region', { name: 'Records of orders in orders-app' });
  await expect(logs.getByRole('listitem', { name: new RegExp(`^P1 · .* · poison pill at ${offset}`) })).toBeVisible();
  await shot(page, 'records-poison-pill');

  // Stuck: the lag grows while time passes, and the member stays in the group.
  const lag = async () => Number((await logs.getByText(/^orders-app: lag \d+/).innerText()).match(/lag (\d+)/)![1]);
  const lagBefore = await lag();
  await play(page);
  await expect.poll(lag, { timeout: 30_000 }).toBeGreaterThan(lagBefore + 50);
  await pause(page);
  await expect(stuck).toBeVisible();

  await c1.getByRole('button', { name: `Seek past offset ${offset} on c1` }).click();
  await expect(stuck).toHaveCount(0);
  await play(page);
  await expect(logs.getByRole('listitem', { name: /^P1 · .* · 1 skipped by seek/ })).toBeVisible({ timeout: 30_000 });
  // Progress resumes: P1's committed offset moves past the pill. (Not the group's lag: with
  // auto-commit every 5 s it is a sawtooth, and polling it once a second at 10× samples the same
  // point of every tooth.)
  const p1 = logs.getByRole('listitem', { name: /^P1 · / });
  const committedP1 = async () => Number((await p1.getAttribute('aria-label'))!.match(/committed (\d+)/)![1]);
  await expect.poll(committedP1, { timeout: 30_000 }).toBeGreaterThan(offset);
  await pause(page);
  await shot(page, 'records-seek-past');
  expect(errors).toEqual([]);
});

test('after a partition is added, the producer panel says which keys moved', async ({ page }) => {
  const errors = await open(page);
  const box = page.getByRole('region', { name: 'Scenario file' });
  await box.getByLabel('Scenario JSON').fill(pillScenario.replace('"processing.time.ms":10,', ''));
  await box.getByRole('button', { name: 'Load scenario' }).click();
  await expect(box.getByRole('alert')).toHaveCount(0);
  await setSpeed(page, '100×');
  await play(page);
  await expect.poll(() => simTime(page), { timeout: 30_000 }).toBeGreaterThan(3_000);
  await pause(page);
  await page.getByRole('button', { name: 'Add partition to orders' }).click();
  const moved = page.getByRole('note', { name: 'Keys moved by p1' });
  // The producer learns of the new partition at its next metadata refresh (metadata.max.age.ms, 5 min).
  await expect(moved).toHaveCount(0);
  await play(page);
  await expect(moved).toBeVisible({ timeout: 30_000 });
  await pause(page);
  await expect(moved).toHaveText(
    /^orders grew from 2 to 3 partitions: \d+ of 10 keys now land on another partition \(key-\d+ P\d→P\d/,
  );
  expect(await simTime(page)).toBeGreaterThan(300_000);
  await shot(page, 'records-keys-moved');
  expect(errors).toEqual([]);
});

test('a consumer whose poll() throws NoOffsetForPartitionException closes on the way out and leaves at once', async ({ page }) => {
  const errors = await open(page);
  const scenario = {
    name: 'no reset policy',
    description: 'c2 has auto.offset.reset=none and the group has no committed offsets.',
    topics: [{ name: 'orders', partitions: 6 }],
    groups: [{ group_id: 'orders-app', config: { 'processing.time.ms': 20, 'session.timeout.ms': 45000 } }],
    consumers: [
      { group: 'orders-app', topics: ['orders'], config: { 'auto.offset.reset': 'earliest' } },
      { group: 'orders-app', topics: ['orders'], config: { 'auto.offset.reset': 'none' } },
    ],
    producers: [{ topic: 'orders', records_per_sec: 100, keys: 50 }],
  };
  const box = page.getByRole('region', { name: 'Scenario file' });
  await box.getByLabel('Scenario JSON').fill(JSON.stringify(scenario));
  await box.getByRole('button', { name: 'Load scenario' }).click();
  await expect(box.getByRole('alert')).toHaveCount(0);
  await setSpeed(page, '10×');
  await play(page);
  await expect(card(page, 'c2').getByLabel('Fatal error')).toContainText('NoOffsetForPartitionException: ', { timeout: 30_000 });
  // Its LeaveGroup starts a rebalance right away: c1 holds all six partitions well before c2's 45 s
  // session could have expired.
  await expect.poll(() => owned(page, 'c1'), { timeout: 30_000 }).toBe('P0 P1 P2 P3 P4 P5');
  expect(await simTime(page)).toBeLessThan(20_000);
  await pause(page);
  const note = card(page, 'c2').getByRole('note', { name: 'What is happening' });
  await expect(note).toContainText('poll() threw, and leaving the try block closed the consumer');
  await expect(card(page, 'c2').getByLabel('Stopped since')).toContainText(/^failed \d+\.\d s ago$/);
  await shot(page, 'no-offset-failed');
  expect(errors).toEqual([]);
});
