import { test, expect, Page } from '@playwright/test';
import { shot } from './util';

async function ownerOf(page: Page, partition: number) {
  return page.getByRole('listitem', { name: new RegExp(`^Partition ${partition},`) }).getAttribute('aria-label');
}

test('the group split follows Add consumer, Remove consumer and Add partition', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/');
  const consumers = page.getByRole('list', { name: 'Consumers' });
  await expect(consumers.getByRole('listitem')).toHaveCount(3);
  expect(await ownerOf(page, 5)).toBe('Partition 5, owned by c3');

  await page.getByRole('button', { name: 'Add consumer' }).click();
  await expect(consumers.getByRole('listitem')).toHaveCount(4);
  expect(await ownerOf(page, 4)).toBe('Partition 4, owned by c3');
  expect(await ownerOf(page, 5)).toBe('Partition 5, owned by c4');

  await page.getByRole('button', { name: 'Add partition' }).click();
  await expect(page.getByRole('list', { name: 'Partitions' }).getByRole('listitem')).toHaveCount(7);
  expect(await ownerOf(page, 2)).toBe('Partition 2, owned by c2');

  for (let i = 0; i < 4; i++) await page.getByRole('button', { name: 'Add consumer' }).click();
  // 8 consumers on 7 partitions: the last one sorts last and stays idle.
  await expect(page.getByRole('listitem', { name: 'Consumer c8' })).toContainText('idle');
  await shot(page, 'foundation');

  for (let i = 0; i < 8; i++) await page.getByRole('button', { name: 'Remove consumer' }).click();
  expect(await ownerOf(page, 0)).toBe('Partition 0, nobody consuming');
  await page.getByRole('button', { name: 'Remove consumer' }).click();
  await expect(page.getByRole('alert')).toHaveText('The group has no consumer left to remove.');
  expect(errors).toEqual([]);
});
