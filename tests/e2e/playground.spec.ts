import { test, expect } from '@playwright/test';
import { open, shot, screenshotDir, setSpeed, play, pause, simTime, card, group, generation, runUntilStable, owned, partition, rebalances } from './util';

test.beforeEach(async ({ page }, info) => {
  const errors = await open(page);
  info.annotations.push({ type: 'errors', description: '' });
  (page as any).__errors = errors;
});

test.afterEach(async ({ page }) => {
  expect((page as any).__errors ?? []).toEqual([]);
});

test('three consumers join through JoinGroup/SyncGroup and split six partitions', async ({ page }) => {
  await expect(group(page)).toContainText('not created yet');
  await setSpeed(page, '10×');
  await runUntilStable(page, 1);
  // Every process is consumer-orders-app-1: range takes the members in the order of their member ids'
  // random (seeded) UUIDs, and the header shows it.
  await expect(group(page).getByLabel('Assignor order')).toHaveText('c1 < c3 < c2');
  expect(await owned(page, 'c1')).toBe('P0 P1');
  expect(await owned(page, 'c3')).toBe('P2 P3');
  expect(await owned(page, 'c2')).toBe('P4 P5');
  await expect(card(page, 'c1')).toContainText('leader');
  await expect(partition(page, 4)).toHaveAttribute('aria-label', 'Partition 4: consumed by c2');
  await shot(page, 'stable-group');
});

test('a fourth consumer joins: one eager rebalance, everyone revokes, range gives {0,1},{2,3},{4},{5} in member-id order', async ({ page }) => {
  await setSpeed(page, '10×');
  await runUntilStable(page, 1);
  await page.getByRole('button', { name: 'Add consumer' }).click();
  await expect(card(page, 'c4')).toBeVisible();
  await runUntilStable(page, 2);
  // c4's member id sorts between c3's and c2's: it takes P4, and c2 moves to P5.
  await expect(group(page).getByLabel('Assignor order')).toHaveText('c1 < c3 < c4 < c2');
  expect(await owned(page, 'c4')).toBe('P4');
  expect(await owned(page, 'c2')).toBe('P5');
  await page.getByRole('tab', { name: 'Metrics' }).click();
  const consumers = page.getByRole('table', { name: 'Consumers' });
  // Eager: c1, c2 and c3 each handed back everything they had.
  await expect(consumers.getByRole('row', { name: /^c1 2 / })).toBeVisible();
  await expect(consumers.getByRole('row', { name: /^c2 2 / })).toBeVisible();
  await expect(consumers.getByRole('row', { name: /^c3 2 / })).toBeVisible();
  await shot(page, 'metrics');
  await page.getByRole('tab', { name: 'Timeline' }).click();
  const timeline = page.getByRole('figure', { name: 'Ownership timeline of orders-app' });
  await expect(timeline).toContainText('member joined');
  // The marker tells the rebalance's before → after to a screen reader and, on hover, in a tooltip.
  const marker = timeline.getByLabel(/^Rebalance to generation 2 · member joined/);
  await expect(marker).toHaveAttribute(
    'aria-label',
    /Before: c1: P0 P1 · c2: P4 P5 · c3: P2 P3\. After: c1: P0 P1 · c2: P5 · c3: P2 P3 · c4: P4\.$/,
  );
  // One path per fill, whatever the number of intervals: c1–c4's colours and the hatch where nobody
  // consumed (before the first assignment and in the eager rebalance).
  await expect(timeline.locator('path.interval')).toHaveCount(5);
  // Pointing at a row reads out who had that partition at that time: P5, just before now, is c2's.
  const p5 = (await timeline.locator('text.row-label').nth(5).boundingBox())!;
  const now = (await timeline.locator('line.now-line').boundingBox())!;
  await page.mouse.move(now.x - 4, p5.y + p5.height / 2);
  await expect(page.getByRole('tabpanel').locator('.band-detail')).toHaveText(
    /^orders-5 at [\d.]+ s: c2 consuming, since [\d.]+ s$/,
  );
  await marker.focus();
  // Focus (or hover) shows the same before → after as visible text under the chart.
  const detail = page.getByRole('tabpanel').getByRole('status');
  await expect(detail).toContainText(/^Generation 2 · member joined · lasted \d+\.\d s/);
  await expect(detail).toContainText(
    'before: c1: P0 P1 · c2: P4 P5 · c3: P2 P3 → after: c1: P0 P1 · c2: P5 · c3: P2 P3 · c4: P4',
  );
  await shot(page, 'join-rebalance');
  // The members learned of the rebalance from their heartbeat's answer, shown even with heartbeats hidden.
  await page.getByRole('tab', { name: 'Protocol' }).click();
  await expect(page.getByRole('figure', { name: 'Protocol sequence diagram' })).toContainText('Heartbeat REBALANCE_IN_PROGRESS');
  await shot(page, 'join-protocol');
});

test('a killed consumer is noticed only when its session expires; its partitions idle until then', async ({ page }) => {
  await setSpeed(page, '10×');
  await runUntilStable(page, 1);
  const killedAt = await simTime(page);
  await card(page, 'c2').getByRole('button', { name: 'Kill c2' }).click();
  await expect(card(page, 'c2').getByLabel('Consumer state')).toHaveText('dead');
  await expect(partition(page, 4)).toHaveAttribute('aria-label', /nobody consuming/);
  await expect(partition(page, 5)).toHaveAttribute('aria-label', /nobody consuming/);
  expect(await generation(page)).toBe(1);
  // The card says why: a dead process sends no LeaveGroup; the session runs from the last heartbeat.
  await expect(card(page, 'c2').getByLabel('What is happening')).toContainText('after the last heartbeat it received, not after the kill');
  // The dead card keeps the coordinator's countdown: that is when the crash will be noticed.
  const countdown = card(page, 'c2').getByLabel('Session time left');
  await expect(countdown).toContainText(/session expires in \d+\.\d s/);
  await expect(card(page, 'c2').getByLabel('Stopped since')).toHaveText(/^killed \d+\.\d s ago$/);
  await shot(page, 'kill-orphans');
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.screenshot({ path: `${screenshotDir}/kill-countdown-1280.png` });
  await page.setViewportSize({ width: 1440, height: 900 });
  await runUntilStable(page, 2);
  // Expired: the coordinator removed the member, so there is no countdown left to show.
  await expect(countdown).toHaveCount(0);
  await expect(card(page, 'c2')).toContainText('no session at the coordinator');
  const expiry = (await rebalances(page)).find((r) => r.generation === 2)!;
  expect(expiry.reason).toBe('session expired');
  // session.timeout.ms is 10 s in this lesson; the last heartbeat was at most 3 s before the kill.
  expect(expiry.startedAt - killedAt).toBeGreaterThanOrEqual(7_000);
  expect(expiry.startedAt - killedAt).toBeLessThanOrEqual(10_000);
  expect(await owned(page, 'c1')).toBe('P0 P1 P2');
  expect(await owned(page, 'c3')).toBe('P3 P4 P5');
});

test('a graceful close rebalances at once', async ({ page }) => {
  await setSpeed(page, '10×');
  await runUntilStable(page, 1);
  const closedAt = await simTime(page);
  await card(page, 'c2').getByRole('button', { name: 'Close c2' }).click();
  // close() first waits for the answer to its final offset commit; only then it revokes and leaves.
  await expect(card(page, 'c2').getByLabel('Consumer state')).toHaveText('closing');
  await runUntilStable(page, 2);
  await expect(card(page, 'c2').getByLabel('Consumer state')).toHaveText('closed');
  const leave = (await rebalances(page)).find((r) => r.generation === 2)!;
  expect(leave.reason).toBe('member left');
  expect(leave.startedAt - closedAt).toBeLessThan(100);
  expect(await owned(page, 'c1')).toBe('P0 P1 P2');
  expect(await owned(page, 'c3')).toBe('P3 P4 P5');
  // Now the leader closes: the chip moves to the new leader, the closed c1 does not keep one.
  await card(page, 'c1').getByRole('button', { name: 'Close c1' }).click();
  await runUntilStable(page, 3);
  await expect(group(page).getByLabel('Group leader')).toHaveCount(1);
  await expect(card(page, 'c3').getByLabel('Group leader')).toBeVisible();
  await expect(card(page, 'c1').getByLabel('Stopped since')).toHaveText(/^closed \d+\.\d s ago$/);
  await shot(page, 'leader-closed');
});

test('a consumer that stops polling leaves at max.poll.interval.ms while its heartbeats go on', async ({ page }) => {
  await setSpeed(page, '10×');
  await runUntilStable(page, 1);
  const stalledAt = await simTime(page);
  await card(page, 'c2').getByLabel('Stall length for c2').selectOption({ label: '40 s' });
  await card(page, 'c2').getByRole('button', { name: 'Stall c2' }).click();
  await expect(card(page, 'c2').getByLabel('Consumer state')).toHaveText('stalled');
  await expect(partition(page, 4)).toHaveAttribute('aria-label', /stalled, nobody consuming/);
  await expect(card(page, 'c2').getByLabel('What is happening')).toContainText('Two detectors watch a member');
  await runUntilStable(page, 2);
  const left = (await rebalances(page)).find((r) => r.generation === 2)!;
  expect(left.reason).toBe('max.poll.interval.ms exceeded');
  // max.poll.interval.ms is 30 s in this lesson: measured from the last poll before the stall.
  expect(left.startedAt - stalledAt).toBeGreaterThan(29_000);
  expect(left.startedAt - stalledAt).toBeLessThan(30_100);
  // The stalled member still believes it owns P4 and P5 (a zombie until its next poll); the strip shows
  // who really consumes them now, and the card what awaits c2 when it polls again.
  await expect(card(page, 'c2').getByLabel('Owned partitions')).toHaveText('P4 P5');
  await expect(partition(page, 4)).toHaveAttribute('aria-label', 'Partition 4: consumed by c3');
  await expect(card(page, 'c2').getByLabel('What is happening')).toContainText('CommitFailedException');
  await shot(page, 'stall-left');
});

test('refused actions explain themselves and change nothing', async ({ page }) => {
  await setSpeed(page, '10×');
  await runUntilStable(page, 1);
  const cluster = page.getByRole('region', { name: 'Cluster overview' });
  await cluster.getByLabel('Partition count of orders', { exact: true }).fill('3');
  await cluster.getByRole('button', { name: 'Set partition count of orders' }).click();
  await expect(cluster.getByRole('alert')).toHaveText(
    'InvalidPartitionsException: The topic orders currently has 6 partition(s); 3 would not be an increase.',
  );
  await expect(page.getByRole('region', { name: 'Topic orders' }).getByRole('heading')).toHaveText('Topic orders · 6 partitions');

  await card(page, 'c3').getByRole('button', { name: 'Kill c3' }).click();
  // A dead card offers only Restart, and the rail counts only running consumers.
  await expect(card(page, 'c3').getByRole('button', { name: 'Kill c3' })).toHaveCount(0);
  await expect(card(page, 'c3').getByRole('button', { name: /^Restart c3/ })).toBeVisible();
  await expect(cluster).toContainText('orders-app · 2 consumers · 1 stopped');

  const form = page.getByRole('region', { name: 'Add a consumer' });
  await form.getByLabel('session.timeout.ms').fill('3000');
  await form.getByLabel('heartbeat.interval.ms').fill('5000');
  await form.getByRole('button', { name: 'Add consumer' }).click();
  await expect(form.getByRole('alert')).toContainText('heartbeat.interval.ms (5000) must be lower than session.timeout.ms (3000)');
  await expect(card(page, 'c4')).toHaveCount(0);
  await shot(page, 'refused');
});

test('a broken share link is explained and the page keeps working', async ({ page }) => {
  await page.goto('about:blank');
  await page.goto('/#s=not-a-session!!');
  await expect(page.getByRole('alert')).toContainText('This share link cannot be opened');
  await expect(card(page, 'c1')).toBeVisible();
});

test('a share link replays the session', async ({ page, context }) => {
  await setSpeed(page, '10×');
  await runUntilStable(page, 1);
  await card(page, 'c3').getByRole('button', { name: 'Close c3' }).click();
  await runUntilStable(page, 2);
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.getByRole('button', { name: 'Copy share link' }).click();
  await expect(page.getByText(/Link copied/)).toBeVisible();
  const url = page.url();
  expect(url).toContain('#z=');
  const other = await context.newPage();
  await other.goto(url);
  await expect(card(other, 'c3').getByLabel('Consumer state')).toHaveText('closed');
  expect(await generation(other)).toBe(2);
});

test('the code tab shows the selected consumer as Java, Python and Rust', async ({ page }) => {
  await setSpeed(page, '10×');
  await runUntilStable(page, 1);
  await card(page, 'c2').click();
  await page.getByRole('tab', { name: 'Code' }).click();
  const java = page.getByLabel('Java code for c2');
  await expect(java).toContainText('props.put("group.id", "orders-app");');
  await expect(java).toContainText('props.put("session.timeout.ms", "10000");');
  await expect(java).toContainText('consumer.poll(Duration.ofMillis(');
  await page.getByRole('tab', { name: 'Python' }).click();
  await expect(page.getByLabel('Python code for c2')).toContainText('"session.timeout.ms": 10000');
  await page.getByRole('tab', { name: 'Rust' }).click();
  await expect(page.getByLabel('Rust code for c2')).toContainText('.set("group.id", "orders-app")');
  await shot(page, 'code');
});

test('a consumer card is selected from the keyboard', async ({ page }) => {
  await setSpeed(page, '10×');
  await runUntilStable(page, 1);
  await card(page, 'c3').focus();
  await page.keyboard.press('Enter');
  await expect(card(page, 'c3')).toHaveAttribute('aria-current', 'true');
  await page.getByRole('tab', { name: 'Code' }).click();
  await expect(page.getByLabel('Java code for c3')).toBeVisible();
  // Space selects too, and does not start the clock as it does elsewhere on the page.
  await card(page, 'c2').focus();
  await page.keyboard.press('Space');
  await expect(page.getByLabel('Java code for c2')).toBeVisible();
  await expect(card(page, 'c3')).not.toHaveAttribute('aria-current', 'true');
  await expect(page.getByRole('button', { name: 'Play' })).toBeVisible();
  // Enter on a card's button does that button's job and leaves the selection alone.
  await card(page, 'c1').getByRole('button', { name: 'Stall c1' }).focus();
  await page.keyboard.press('Enter');
  await expect(card(page, 'c1').getByLabel('Consumer state')).toHaveText('stalled');
  await expect(page.getByLabel('Java code for c2')).toBeVisible();
  await card(page, 'c2').focus();
  await shot(page, 'card-keyboard');
});

test('the protocol view shows JoinGroup and SyncGroup and a message\'s fields on click', async ({ page }) => {
  await setSpeed(page, '10×');
  await runUntilStable(page, 1);
  await page.getByRole('tab', { name: 'Protocol' }).click();
  const diagram = page.getByRole('figure', { name: 'Protocol sequence diagram' });
  await expect(diagram).toContainText('SyncGroup');
  await diagram.getByRole('button', { name: /^SyncGroup from c1 to coordinator/ }).first().click();
  await expect(page.getByRole('complementary', { name: 'Message fields' })).toContainText('assignments');
  // The arrows are buttons for the keyboard too: focus one and press Enter.
  const join = diagram.getByRole('button', { name: /^JoinGroup from c2 to coordinator .*, request$/ }).first();
  await join.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('complementary', { name: 'Message fields' })).toContainText('JoinGroup request');
  await page.getByLabel('Hide heartbeats').uncheck();
  await play(page);
  await expect(diagram).toContainText('Heartbeat', { timeout: 20_000 });
  await pause(page);
  await shot(page, 'protocol');
});

test('rebalance labels close together take separate lines and never overlap', async ({ page }) => {
  await setSpeed(page, '10×');
  await runUntilStable(page, 1);
  // Three joins a moment apart: three rebalances within a few seconds.
  const form = page.getByRole('region', { name: 'Add a consumer' });
  for (let i = 0; i < 3; i++) {
    await form.getByRole('button', { name: 'Add consumer' }).click();
    await play(page);
    await page.waitForTimeout(250);
    await pause(page);
  }
  await play(page);
  await expect.poll(() => simTime(page), { timeout: 20_000 }).toBeGreaterThan(40_000);
  await expect(group(page).getByLabel('Group state')).toHaveText('Stable', { timeout: 30_000 });
  await pause(page);
  expect((await rebalances(page)).length).toBeGreaterThanOrEqual(3);
  const timeline = page.getByRole('figure', { name: 'Ownership timeline of orders-app' });
  const labels = await timeline.locator('.band-label').all();
  const boxes = [];
  for (const l of labels) boxes.push((await l.boundingBox())!);
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const [a, b] = [boxes[i], boxes[j]];
      const apart = a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y;
      expect(apart, `labels ${i} and ${j} overlap`).toBe(true);
    }
  }
  await shot(page, 'timeline-close-rebalances');
});
