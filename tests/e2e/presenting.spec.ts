import { test, expect } from '@playwright/test';
import { open, shot, setSpeed, runUntilStable, simTime, group } from './util';

test.beforeEach(async ({ page }) => {
  (page as any).__errors = await open(page);
});

test.afterEach(async ({ page }) => {
  expect((page as any).__errors ?? []).toEqual([]);
});

test('? lists every shortcut, and each one works', async ({ page }) => {
  await page.keyboard.press('?');
  const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(dialog).toBeVisible();
  for (const key of ['Space', '→', '←', '+  −', 'R', 'N', 'B', '1 – 4', 'P', '?', 'Tab']) {
    await expect(dialog.getByRole('rowheader', { name: key, exact: true })).toBeVisible();
  }
  await shot(page, 'shortcuts');
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);

  // + and − change the speed, a quarter of a decade a press.
  // The page opens at 1×, a speed a teacher can talk over.
  await expect(page.getByLabel('Speed value')).toHaveText('1×');
  for (let i = 0; i < 4; i++) await page.keyboard.press('+');
  await expect(page.getByLabel('Speed value')).toHaveText(/^(9\.\d+|10|10\.\d+)×$/);
  await page.keyboard.press('-');
  await expect(page.getByLabel('Speed value')).toHaveText(/^5\.\d+×$/);

  // Space plays and pauses; → and ← step by event.
  await page.keyboard.press(' ');
  await expect(page.getByRole('button', { name: 'Pause' })).toBeVisible();
  await expect(group(page).getByLabel('Generation')).toHaveText('1', { timeout: 20_000 });
  await page.keyboard.press(' ');
  await expect(page.getByRole('button', { name: 'Play' })).toBeVisible();
  const t = await simTime(page);
  await page.keyboard.press('ArrowRight');
  const next = await simTime(page);
  expect(next).toBeGreaterThan(t);
  await page.keyboard.press('ArrowLeft');
  expect(await simTime(page)).toBeLessThan(next);

  // R resets to time zero.
  await page.keyboard.press('r');
  expect(await simTime(page)).toBe(0);

  // The lesson keys: answer with 2, N for next.
  await page.getByRole('button', { name: 'Start the guide' }).click();
  const guide = page.getByRole('region', { name: 'Guided lesson' });
  await page.keyboard.press('2');
  await expect(guide.getByRole('button', { name: /^Two each/ })).toHaveAttribute('aria-pressed', 'true');
  await setSpeed(page, '100×');
  await expect(guide.getByRole('button', { name: 'Next ›' })).toBeEnabled({ timeout: 20_000 });
  await page.keyboard.press('n');
  await expect(guide).toContainText('Step 2 of 2');
  await page.keyboard.press('b');
  await expect(guide).toContainText('Step 1 of 2');

  // P: presenter mode, larger type.
  const before = await page.getByRole('heading', { name: 'Rebalance Lab' }).boundingBox();
  await page.keyboard.press('p');
  await expect(page.locator('html')).toHaveAttribute('data-presenter', 'on');
  const after = await page.getByRole('heading', { name: 'Rebalance Lab' }).boundingBox();
  expect(after!.height).toBeGreaterThan(before!.height * 1.2);
  await shot(page, 'presenter');
});

test('Tab reaches the controls with a visible focus ring', async ({ page }) => {
  const seen = new Set<string>();
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement;
      const style = getComputedStyle(el);
      return { name: el.getAttribute('aria-label') ?? el.textContent?.trim() ?? '', outline: style.outlineStyle, width: parseFloat(style.outlineWidth) };
    });
    seen.add(focused.name);
    expect(focused.outline, `focus ring on ${focused.name}`).not.toBe('none');
    expect(focused.width).toBeGreaterThanOrEqual(2);
  }
  for (const name of ['Lesson', 'Start the guide', 'Play', 'Simulated time to show', 'Keyboard shortcuts', 'Copy share link']) {
    expect([...seen]).toContain(name);
  }
});

test('"Link copied" does not make the top bar wrap at 1280×720', async ({ page, context }) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const bar = page.locator('header.topbar');
  const before = (await bar.boundingBox())!.height;
  await page.getByRole('button', { name: 'Copy share link' }).click();
  await expect(page.getByText(/Link copied/)).toBeVisible();
  expect((await bar.boundingBox())!.height).toBe(before);
});

test('presenter mode draws thicker lines, not only larger ones: timeline, protocol, compare', async ({ page }) => {
  await setSpeed(page, '10×');
  await runUntilStable(page, 1);
  // The stroke width as computed (zoom does not change it): thicker lines are the mode's own rules.
  const stroke = (selector: string) =>
    page.locator(selector).first().evaluate((el) => parseFloat(getComputedStyle(el).strokeWidth));
  const presenter = page.getByRole('button', { name: 'Presenter' });
  const lines = async () => {
    const out: Record<string, number> = { timeline: await stroke('svg.timeline .tick-line') };
    await page.getByRole('tab', { name: 'Protocol' }).click();
    out.protocol = await stroke('svg.sequence .message .msg-line');
    await page.getByRole('tab', { name: 'Timeline' }).click();
    await page.getByRole('button', { name: 'Compare protocols' }).click();
    out.compare = await stroke('svg.consumption .series.lane-1');
    await page.getByRole('button', { name: 'Stop comparing' }).click();
    return out;
  };
  const before = await lines();
  await presenter.click();
  await expect(page.locator('html')).toHaveAttribute('data-presenter', 'on');
  const after = await lines();
  for (const view of Object.keys(before)) {
    expect(after[view], `${view}: ${before[view]} → ${after[view]}`).toBeGreaterThanOrEqual(before[view] * 1.5);
  }
});
