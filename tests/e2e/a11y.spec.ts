import { test, expect, Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { open, setSpeed, runUntilStable } from './util';

test.beforeEach(async ({ page }) => {
  (page as any).__errors = await open(page);
});

/** axe's serious and critical findings on the page as it is now. */
async function serious(page: Page, where: string) {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const summary = bad.map((v) => `${where}: ${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
  return summary;
}

for (const theme of ['light', 'dark']) {
  test(`no serious or critical axe violation: single view, each tab, Compare, a guided step (${theme})`, async ({ page }) => {
    test.setTimeout(240_000);
    if (theme === 'dark') await page.getByRole('button', { name: 'Dark theme' }).click();
    await setSpeed(page, '10×');
    await runUntilStable(page, 1);
    const found: string[] = [];
    for (const tab of ['Timeline', 'Protocol', 'Metrics', 'Code']) {
      await page.getByRole('tab', { name: tab }).click();
      found.push(...(await serious(page, `single view, ${tab}`)));
    }
    await page.getByRole('button', { name: 'Start the guide' }).click();
    found.push(...(await serious(page, 'guided lesson')));
    await page.getByRole('button', { name: 'Close the guided lesson' }).click();
    await page.keyboard.press('?');
    found.push(...(await serious(page, 'shortcuts')));
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Compare protocols' }).click();
    await expect(page.getByRole('region', { name: 'Compare protocols' })).toBeVisible();
    for (const tab of ['Timeline', 'Protocol', 'Metrics', 'Code']) {
      await page.getByRole('tab', { name: tab }).click();
      found.push(...(await serious(page, `compare, ${tab}`)));
    }
    expect(found).toEqual([]);
  });
}
