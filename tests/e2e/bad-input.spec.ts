import { test, expect } from '@playwright/test';
import { open, card, simTime, loadOneGroup, setSpeed, play, pause } from './util';

// Bad input on the page, one class per step (the README's "Bad input" table): each gets a message
// that says which field and why, and the page keeps what it had.
const topicHeading = (page) => page.getByRole('region', { name: 'Topic orders' }).getByRole('heading');

test('scenarios beyond the model, truncated or not JSON are refused and change nothing', async ({ page }) => {
  const errors = await open(page);
  const box = page.getByRole('region', { name: 'Scenario file' });
  const load = async (text: string) => {
    await box.getByLabel('Scenario JSON').fill(text);
    await box.getByRole('button', { name: 'Load scenario' }).click();
  };
  await load('{ "topics": [{ "name": "orders", "partitions": 1000000000 }] }');
  await expect(box.getByRole('alert')).toContainText(
    'topics[0]: 1000000000 is beyond what this simulator supports: at most 10000 partitions per topic',
  );
  await load('{ "topics": [{ "name": "t", "partitions": 1 }], "consumers": [{ "group": "g", "topics": ["t"], "count": 100000 }] }');
  await expect(box.getByRole('alert')).toContainText('consumers[0].count: 100000 is beyond what this simulator supports');
  // `lab run` takes 600 consumers; the page, which redraws every one at every frame, takes 500.
  await load('{ "topics": [{ "name": "t", "partitions": 1 }], "consumers": [{ "group": "g", "topics": ["t"], "count": 600 }] }');
  await expect(box.getByRole('alert')).toContainText(
    'consumers: 600 is beyond what this simulator supports: at most 500 consumers in one run of the page',
  );
  await expect(box.getByRole('alert')).toContainText('`lab run` takes up to 1000');
  await load('{ "topics": [{ "name": "orders", "partitions": ');
  await expect(box.getByRole('alert')).toContainText('the text ends too early (was it cut short when copied?)');
  await load('{ "duration": 5000 }');
  await expect(box.getByRole('alert')).toContainText('duration (line 1, column 12): unknown field `duration`');
  await load('{ "actions": [{ "at_ms": -1, "action": { "type": "kill_consumer", "consumer": "c1" } }] }');
  await expect(box.getByRole('alert')).toContainText('actions[0].at_ms (line 1, column 27): a negative number is not allowed here');
  await expect(topicHeading(page)).toHaveText('Topic orders · 6 partitions');
  await expect(card(page, 'c1')).toBeVisible();
  expect(errors).toEqual([]);
});

test("a scenario file's timed action the model refuses is told under its title, and the run goes on", async ({ page }) => {
  const errors = await open(page);
  const scenario = {
    name: 'refusals',
    topics: [{ name: 'orders', partitions: 6 }],
    consumers: [{ group: 'g', topics: ['orders'], count: 2 }],
    actions: [
      { at_ms: 2000, action: { type: 'kill_consumer', consumer: 'c1' } },
      { at_ms: 3000, action: { type: 'kill_consumer', consumer: 'c1' } },
      { at_ms: 3500, action: { type: 'stall_consumer', consumer: 'c9', ms: 1000 } },
    ],
  };
  const box = page.getByRole('region', { name: 'Scenario file' });
  await box.getByLabel('Scenario JSON').fill(JSON.stringify(scenario));
  await box.getByRole('button', { name: 'Load scenario' }).click();
  const notes = page.getByRole('note', { name: 'Refused scenario action' });
  await expect(notes).toHaveCount(0);
  await setSpeed(page, '10×');
  await play(page);
  await expect(notes).toHaveCount(2, { timeout: 20_000 });
  await expect(notes.nth(0)).toHaveText(
    "At 00:03.000 the scenario's kill_consumer action was refused: consumer c1 is dead: restart it first. The run went on without it.",
  );
  await expect(notes.nth(1)).toContainText("At 00:03.500 the scenario's stall_consumer action was refused: there is no consumer c9");
  // The run goes on: the clock passes the refusals and the living consumer is still there.
  await expect.poll(() => simTime(page), { timeout: 20_000 }).toBeGreaterThan(5_000);
  await pause(page);
  await expect(card(page, 'c2')).toBeVisible();
  expect(errors).toEqual([]);
});

test('a 501st consumer in the page is refused with where more can run, and nothing changes', async ({ page }) => {
  const errors = await open(page);
  await loadOneGroup(page, 500, 10);
  await expect(card(page, 'c500')).toBeVisible();
  const form = page.getByRole('region', { name: 'Add a consumer' });
  await form.getByRole('button', { name: 'Add consumer' }).click();
  await expect(form.getByRole('alert')).toContainText(
    '501 is beyond what this simulator supports: at most 500 consumers in one run of the page',
  );
  await expect(form.getByRole('alert')).toContainText('`lab run` takes up to 1000');
  await expect(card(page, 'c501')).toHaveCount(0);
  expect(errors).toEqual([]);
});

test('a share link whose replay is beyond reach is refused and the page keeps its state', async ({ page }) => {
  const session = {
    scenario: { topics: [{ name: 'orders', partitions: 6 }], consumers: [{ group: 'g', topics: ['orders'], count: 3 }] },
    strategies: ['eager-range'],
    actions: [],
    until_ms: 999999999999,
  };
  const fragment = Buffer.from(JSON.stringify(session)).toString('base64url');
  const errors = await open(page, `/#s=${fragment}`);
  await expect(page.getByRole('alert')).toContainText('This share link cannot be opened');
  await expect(page.getByRole('alert')).toContainText('until_ms: 999999999999 is beyond what this simulator supports');
  await expect(topicHeading(page)).toHaveText('Topic orders · 6 partitions');
  expect(errors).toEqual([]);
});

test('a run that outgrows the memory the page keeps stops playing with a message, and the page lives on', async ({ page }) => {
  test.setTimeout(240_000);
  const errors = await open(page);
  // Records in three lanes add about 2,500 trace entries per simulated second: the bound (1,000,000)
  // comes after about six simulated minutes. Before the bound, such a run died of memory at about
  // twenty simulated minutes ("Rebalance Lab stopped").
  // The lesson opens eager against cooperative; KIP-848 makes the third lane.
  await page.getByLabel('Lesson').selectOption({ label: 'Records processed twice' });
  await page.getByLabel('Compare KIP-848 · consumer protocol (uniform)').check();
  await page.getByRole('slider', { name: 'Speed' }).fill('300');
  await page.getByRole('button', { name: 'Play' }).click();
  const notice = page.getByText(/as many as the page keeps in memory, so it stops playing here/);
  await expect(notice).toBeVisible({ timeout: 200_000 });
  await expect(page.getByRole('button', { name: 'Play' })).toBeVisible();
  const stoppedAt = await simTime(page);
  expect(stoppedAt).toBeGreaterThan(60_000);
  // Play again: nothing moves, the message stays.
  await page.getByRole('button', { name: 'Play' }).click();
  await page.waitForTimeout(500);
  expect(await simTime(page)).toBe(stoppedAt);
  await expect(notice).toBeVisible();
  // The run is intact: the metrics and the timeline still read it.
  await page.getByRole('tab', { name: 'Metrics' }).click();
  await expect(page.getByRole('tabpanel')).toContainText('records processed twice');
  expect(errors).toEqual([]);
});
