import { test, expect, Page, Download } from '@playwright/test';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { open, setSpeed, runUntilStable, card, shot, screenshotDir } from './util';

const root = path.join(__dirname, '..', '..');

/** `lab run ARGS` through the real binary: the one `cargo test` built, else built now. */
function labRun(args: string[]): string {
  const binary = path.join(root, 'target', 'debug', process.platform === 'win32' ? 'lab.exe' : 'lab');
  if (fs.existsSync(binary)) return execFileSync(binary, ['run', ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
  return execFileSync('cargo', ['run', '--quiet', '--bin', 'lab', '--', 'run', ...args], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
}

/** Clicks Export, then the item, and returns the file the browser downloaded. */
async function exportItem(page: Page, item: string): Promise<{ download: Download; bytes: Buffer }> {
  await page.getByRole('button', { name: 'Export' }).click();
  const waiting = page.waitForEvent('download');
  await page.getByRole('menuitem', { name: item }).click();
  const download = await waiting;
  const file = await download.path();
  return { download, bytes: fs.readFileSync(file!) };
}

/** Loads an SVG file into an <img> on the page: it must decode as an image on its own. */
async function svgImageSize(page: Page, svg: string): Promise<{ w: number; h: number }> {
  return page.evaluate(async (text) => {
    const img = new Image();
    img.src = URL.createObjectURL(new Blob([text], { type: 'image/svg+xml' }));
    await img.decode();
    return { w: img.naturalWidth, h: img.naturalHeight };
  }, svg);
}

function pngSize(bytes: Buffer): { w: number; h: number } {
  expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  expect(bytes.subarray(12, 16).toString('ascii')).toBe('IHDR');
  return { w: bytes.readUInt32BE(16), h: bytes.readUInt32BE(20) };
}

test('the trace exports as the JSON lab run --json prints for the same session', async ({ page }) => {
  test.setTimeout(120_000);
  const errors = await open(page);
  await setSpeed(page, '10×');
  await runUntilStable(page, 1);
  // A user action: it must be in the export's scenario as a timed action, and in both traces.
  await card(page, 'c2').getByRole('button', { name: 'Kill c2' }).click();
  await runUntilStable(page, 2);
  const { download, bytes } = await exportItem(page, 'Trace (JSON)');
  expect(download.suggestedFilename()).toBe('rebalance-lab-trace.json');
  const exported = JSON.parse(bytes.toString('utf8'));
  expect(exported.format).toBe('rebalance-lab-trace/1');
  expect(exported.events.length).toBeGreaterThan(50);
  expect(exported.scenario.actions.some((a: any) => a.action.type === 'kill_consumer' && a.action.consumer === 'c2')).toBe(true);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-export-'));
  const scenarioFile = path.join(dir, 'scenario.json');
  fs.writeFileSync(scenarioFile, JSON.stringify(exported.scenario));
  const printed = labRun([scenarioFile, '--json', '--until', String(exported.until_ms)]);
  expect(bytes.toString('utf8')).toBe(printed);
  // Its lines are the lines lab run prints without --json.
  const text = labRun([scenarioFile, '--until', String(exported.until_ms)]);
  const lines = text.split('\n').filter((l) => !l.startsWith('warning: '));
  expect(exported.events.map((e: any) => e.line)).toEqual(lines.slice(0, lines.indexOf('')));
  expect(errors).toEqual([]);
});

for (const figure of [
  { name: 'Timeline', file: 'rebalance-lab-timeline', tab: 'Protocol' },
  { name: 'Protocol diagram', file: 'rebalance-lab-protocol', tab: 'Timeline' },
]) {
  test(`the ${figure.name.toLowerCase()} exports as SVG and PNG that stand on their own`, async ({ page }) => {
    test.setTimeout(120_000);
    const errors = await open(page);
    // In the dark theme, with another tab open: the export opens the figure's tab and draws it light.
    await page.getByRole('button', { name: 'Dark theme' }).click();
    await setSpeed(page, '10×');
    await runUntilStable(page, 1);
    await page.getByRole('tab', { name: figure.tab }).click();
    const svg = await exportItem(page, `${figure.name} (SVG)`);
    expect(svg.download.suggestedFilename()).toBe(`${figure.file}.svg`);
    const text = svg.bytes.toString('utf8');
    expect(text).toMatch(/^<\?xml/);
    expect(text).toContain('xmlns="http://www.w3.org/2000/svg"');
    expect(text).toMatch(/<svg[^>]* width="[\d.]+"[^>]* height="[\d.]+"/);
    expect(text).toContain('viewBox="0 0 ');
    expect(text).toContain('<rect width="100%" height="100%" fill="#ffffff"');
    expect(text).not.toContain('var(--');
    expect(text).not.toContain('class="');
    // Light ink on the white background although the page is dark.
    expect(text).toContain('fill:rgb(21, 26, 35)');
    const size = await svgImageSize(page, text);
    expect(size.w).toBeGreaterThan(300);
    expect(size.h).toBeGreaterThan(100);
    fs.mkdirSync(screenshotDir, { recursive: true });
    fs.writeFileSync(path.join(screenshotDir, `export-${figure.file}.svg`), text);

    const png = await exportItem(page, `${figure.name} (PNG)`);
    expect(png.download.suggestedFilename()).toBe(`${figure.file}.png`);
    const pixels = pngSize(png.bytes);
    // Twice the SVG's size, for a sharp slide.
    expect(pixels.w).toBe(Math.ceil(size.w * 2));
    expect(pixels.h).toBe(Math.ceil(size.h * 2));
    fs.writeFileSync(path.join(screenshotDir, `export-${figure.file}.png`), png.bytes);
    // The page is dark again and still shows the figure's tab.
    expect(await page.evaluate(() => document.documentElement.getAttribute('data-theme'))).toBe('dark');
    await expect(page.getByRole('tab', { name: figure.name === 'Timeline' ? 'Timeline' : 'Protocol' })).toHaveAttribute('aria-selected', 'true');
    await shot(page, `export-${figure.file}-page`);
    expect(errors).toEqual([]);
  });
}
