import { Page } from '@playwright/test';
import * as path from 'path';

/** Where the browser tests save what they saw: look at these PNGs after a run. */
export const screenshotDir = path.join(__dirname, '..', '..', 'target', 'screenshots');

export async function shot(page: Page, name: string) {
  await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), fullPage: true });
}
