import { test, expect, Page } from '@playwright/test';
import { open, setSpeed, play, pause, card, group, shot } from './util';

test.beforeEach(async ({ page }) => {
  const errors = await open(page);
  test.info().annotations.push({ type: 'errors', description: errors.join('\n') });
});

async function chooseKip848(page: Page) {
  await page.getByLabel('Protocol and assignor').selectOption({ label: 'KIP-848 · consumer protocol (uniform)' });
  // The group exists once the first heartbeat reaches the coordinator.
  await expect(group(page).getByRole('heading', { name: 'Group orders-app not created yet' })).toBeVisible();
}

async function settle(page: Page, epoch: string) {
  await play(page);
  await expect(group(page).getByLabel('Group epoch')).toHaveText(epoch, { timeout: 30_000 });
  await expect(group(page).getByLabel('Group state')).toHaveText('Stable', { timeout: 30_000 });
  await pause(page);
}

test('KIP-848: the group panel shows group, target and member epochs and who revokes or waits', async ({ page }) => {
  await setSpeed(page, '10×');
  await chooseKip848(page);
  await settle(page, '3');
  const members = group(page).getByRole('table', { name: 'Member epochs' });
  await expect(members.getByRole('row', { name: 'Member c1' }).getByLabel('Member epoch')).toHaveText('3');
  await expect(card(page, 'c1').locator('.member-id')).toContainText('epoch 3');
  // A fourth member: one bump, then per-member reconciliation with no barrier.
  await page.getByRole('button', { name: 'Add consumer' }).click();
  const note = group(page).getByLabel('Reconciliation in progress');
  for (let i = 0; i < 200 && !(await note.isVisible()); i++) {
    await page.getByRole('button', { name: 'Step to the next event' }).click();
  }
  await expect(note).toContainText('Reconciling towards target epoch 4');
  await expect(note).toContainText('No barrier');
  await expect(group(page).getByLabel('Group epoch')).toHaveText('4');
  await shot(page, 'kip848-reconciling');
  // Step on through the reconciliation: one owner's "To revoke" cell and the newcomer's
  // "Waiting for" cell name the partition that moves (c4 waits while its owner still holds it).
  // The cells are read in one go per event (hundreds of events pass while members process records).
  const cells = () =>
    page.evaluate(() => {
      const table = document.querySelector('table[aria-label="Member epochs"]');
      const text = (el: Element | null | undefined) => el?.textContent?.trim() ?? '';
      const revoking = [...(table?.querySelectorAll('td[aria-label="To revoke"]') ?? [])].map(text);
      const c4 = table?.querySelector('tr[aria-label="Member c4"] td[aria-label="Waiting for"]');
      return { revoking, waiting: text(c4) };
    });
  let sawRevoke = false;
  let sawWaiting = false;
  for (let i = 0; i < 2000 && !(sawRevoke && sawWaiting); i++) {
    const { revoking, waiting } = await cells();
    sawRevoke ||= revoking.some((text) => /^P\d/.test(text));
    sawWaiting ||= /^P\d/.test(waiting);
    if (!(sawRevoke && sawWaiting)) await page.getByRole('button', { name: 'Step to the next event' }).click();
  }
  expect(sawRevoke, 'some member had a partition to revoke').toBe(true);
  expect(sawWaiting, 'c4 waited for a partition').toBe(true);
  await settle(page, '4');
  await expect(group(page).getByLabel('Target epoch')).toHaveText('4');
  await expect(members.getByRole('row', { name: 'Member c4' }).getByLabel('Member epoch')).toHaveText('4');
  await expect(card(page, 'c4').getByLabel('Owned partitions')).not.toHaveText('—');
  await shot(page, 'kip848-stable');
});

test('KIP-848: the protocol view draws ConsumerGroupHeartbeat with epochs and assignments', async ({ page }) => {
  await setSpeed(page, '10×');
  await chooseKip848(page);
  await settle(page, '3');
  await page.getByRole('tab', { name: 'Protocol' }).click();
  const diagram = page.getByRole('figure', { name: 'Protocol sequence diagram' });
  await expect(diagram).toContainText('ConsumerGroupHeartbeat');
  await expect(diagram).not.toContainText('JoinGroup');
  await expect(diagram).toContainText(/ConsumerGroupHeartbeat ✓ epoch=\d+ assignment=\[/);
  await expect(diagram).toContainText(/ConsumerGroupHeartbeat epoch=\d+ owned=\[/);
  await diagram.getByRole('button', { name: /^ConsumerGroupHeartbeat ✓ epoch=\d+ assignment=.* from coordinator to c1 / }).first().click();
  const fields = page.getByRole('complementary', { name: 'Message fields' });
  await expect(fields).toContainText('member_epoch');
  await expect(fields).toContainText('assignment');
  await shot(page, 'kip848-protocol');
});

test('KIP-848: the code tab writes group.protocol and group.remote.assignor, no session or heartbeat settings', async ({ page }) => {
  await setSpeed(page, '10×');
  await chooseKip848(page);
  await settle(page, '3');
  await card(page, 'c2').click();
  await page.getByRole('tab', { name: 'Code' }).click();
  const java = page.getByLabel('Java code for c2');
  await expect(java).toContainText('props.put("group.protocol", "consumer");');
  await expect(java).toContainText('props.put("group.remote.assignor", "uniform");');
  await expect(java).not.toContainText('session.timeout.ms');
  await expect(java).not.toContainText('heartbeat.interval.ms');
  await expect(java).not.toContainText('partition.assignment.strategy');
  await page.getByRole('tab', { name: 'Python' }).click();
  await expect(page.getByLabel('Python code for c2')).toContainText('"group.protocol": "consumer"');
  await expect(page.getByLabel('Python code for c2')).not.toContainText('session.timeout.ms');
  await shot(page, 'kip848-code');
});

test('Compare shows eager, cooperative and KIP-848 lanes by default', async ({ page }) => {
  await page.getByRole('button', { name: 'Compare protocols' }).click();
  for (const label of ['eager · range', 'cooperative · cooperative-sticky', 'KIP-848 · consumer protocol (uniform)']) {
    await expect(page.getByRole('region', { name: `Lane ${label}` })).toBeVisible();
  }
  await setSpeed(page, '10×');
  await play(page);
  const kip = page.getByRole('region', { name: 'Lane KIP-848 · consumer protocol (uniform)' });
  await expect(kip.locator('.lane-state')).toHaveText(/^Stable · group epoch 3$/, { timeout: 30_000 });
  await pause(page);
  await page.getByRole('button', { name: 'Add consumer' }).click();
  await play(page);
  await expect(kip.locator('.lane-state')).toHaveText(/^Stable · group epoch 4$/, { timeout: 30_000 });
  await expect(kip.getByLabel('Last rebalance')).toContainText('group epoch 4 · member joined');
  await pause(page);
  const table = page.getByRole('table', { name: 'Comparison metrics' });
  expect(await table.getByRole('row', { name: /^Rebalances/ }).locator('td').count()).toBe(3);
  await expect(page.getByText('KIP-848', { exact: true })).toBeVisible();
  await shot(page, 'compare-kip848');
});
