import { test, expect } from '@playwright/test';
import { open, shot, setSpeed, play, pause, simTime, card } from './util';

// The new-consumer form offers the deserializers issue 11 lists: String, Integer, Long, ByteArray and
// JSON (Connect's, from connect-json: kafka-clients ships none). A consumer added with
// IntegerDeserializer meets the producer's poison pill — the 6-byte UTF-8 string `{"id":` — and its
// poll() throws RecordDeserializationException naming partition and offset; a StringDeserializer
// consumer of the same records reads on. (The model's ordinary records are written by serializers
// matching each consumer's deserializer, so only the pill fails: see src/sim/serialization.rs.)

const scenario = JSON.stringify({
  name: 'deserializers',
  seed: 3,
  topics: [{ name: 'orders', partitions: 2 }],
  groups: [{ group_id: 'orders-app', config: { 'auto.offset.reset': 'earliest', 'processing.time.ms': 10 } }],
  consumers: [{ group: 'orders-app', topics: ['orders'], count: 1 }],
  producers: [{ topic: 'orders', records_per_sec: 50, keys: 10 }],
  actions: [],
  duration_ms: 600000,
});

test('the form offers the five deserializers, and an Integer one hits the poison pill', async ({ page }) => {
  const errors = await open(page);
  const box = page.getByRole('region', { name: 'Scenario file' });
  await box.getByLabel('Scenario JSON').fill(scenario);
  await box.getByRole('button', { name: 'Load scenario' }).click();
  await expect(box.getByRole('alert')).toHaveCount(0);

  const form = page.getByRole('region', { name: 'Add a consumer' });
  const value = form.getByLabel('value.deserializer');
  await expect(value.locator('option')).toHaveText([
    'StringDeserializer',
    'IntegerDeserializer',
    'LongDeserializer',
    'ByteArrayDeserializer',
    "JsonDeserializer (Connect's, from the connect-json artifact)",
  ]);
  await expect(value.locator('option').last()).toHaveAttribute('value', 'org.apache.kafka.connect.json.JsonDeserializer');

  // c2: its own group, reading the same topic with IntegerDeserializer.
  await form.getByLabel('group.id').fill('integer-app');
  await form.getByLabel('group.id').dispatchEvent('change');
  await value.selectOption('org.apache.kafka.common.serialization.IntegerDeserializer');
  await form.getByRole('button', { name: 'Add consumer' }).click();
  await expect(form.getByRole('alert')).toHaveCount(0);
  const c2 = card(page, 'c2');
  await expect(c2).toBeVisible();

  await setSpeed(page, '10×');
  await play(page);
  await expect.poll(() => simTime(page), { timeout: 30_000 }).toBeGreaterThan(8_000);
  await pause(page);
  await page.getByLabel('Poison pill partition of p1').fill('1');
  await page.getByLabel('Poison pill partition of p1').dispatchEvent('change');
  await page.getByRole('button', { name: 'Poison pill from p1' }).click();
  await play(page);
  const stuck = c2.getByRole('alert', { name: 'c2 is stuck on a record' });
  await expect(stuck).toBeVisible({ timeout: 30_000 });
  await pause(page);
  await expect(stuck).toContainText(
    /RecordDeserializationException: Error deserializing VALUE for partition orders-1 at offset \d+\. If needed, please seek past the record to continue consumption\./,
  );
  // The StringDeserializer consumer decodes the same bytes: the pill is valid UTF-8.
  await expect(card(page, 'c1').getByRole('alert', { name: 'c1 is stuck on a record' })).toHaveCount(0);
  await shot(page, 'deserializers-integer-pill');
  expect(errors).toEqual([]);
});
