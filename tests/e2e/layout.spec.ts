import { test, expect, Page } from '@playwright/test';
import * as path from 'path';
import { open, screenshotDir, setSpeed, runUntilStable, group } from './util';

// UI.md: a projector's 1280×720 must show the core picture (group, cards, partition strip, the top of
// the tabs) without scrolling. These tests check that and save viewport-only screenshots to look at.

test.beforeEach(async ({ page }) => {
  (page as any).__errors = await open(page);
});

test.afterEach(async ({ page }) => {
  expect((page as any).__errors ?? []).toEqual([]);
});

async function viewportShot(page: Page, name: string) {
  await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), fullPage: false });
}

/** The bottom edge of an element, in CSS pixels from the top of the page (the page is not scrolled). */
async function bottomOf(page: Page, selector: ReturnType<Page['getByRole']>) {
  const box = await selector.boundingBox();
  expect(box).not.toBeNull();
  return box!.y + box!.height;
}

async function fitsAt720(page: Page) {
  const strip = page.getByRole('list', { name: /^Partitions of orders in / }).first();
  expect(await bottomOf(page, strip)).toBeLessThanOrEqual(720);
  expect(await bottomOf(page, page.getByRole('tablist', { name: 'Views' }))).toBeLessThanOrEqual(720);
}

test('the default lesson fits a 1280×720 projector', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  await setSpeed(page, '10×');
  await runUntilStable(page, 1);
  await viewportShot(page, 'projector-1280');
  await fitsAt720(page);
});

test('seven consumers on six partitions fit a 1280×720 projector', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.getByLabel('Lesson').selectOption({ label: 'More consumers than partitions' });
  await setSpeed(page, '10×');
  await runUntilStable(page, 1);
  await viewportShot(page, 'projector-1280-seven');
  await fitsAt720(page);
  await page.getByRole('button', { name: 'Dark theme' }).click();
  await viewportShot(page, 'projector-1280-seven-dark');
});

test('a wide screen and a narrow one', async ({ page }) => {
  await page.setViewportSize({ width: 1920, height: 1080 });
  await setSpeed(page, '10×');
  await runUntilStable(page, 1);
  await viewportShot(page, 'wide-1920');
  // Narrow: the group and its partitions come before the rail's forms.
  await page.setViewportSize({ width: 768, height: 1024 });
  const groupTop = (await group(page).boundingBox())!.y;
  const formTop = (await page.getByRole('region', { name: 'Add a consumer' }).boundingBox())!.y;
  expect(groupTop).toBeLessThan(formTop);
  await viewportShot(page, 'narrow-768');
});
