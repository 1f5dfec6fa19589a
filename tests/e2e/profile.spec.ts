import { test, expect, CDPSession } from '@playwright/test';
import * as fs from 'fs';
import * as path from 'path';
import { open, setSpeed, play, pause, simTime, group, runUntilStable, loadOneGroup, loadRecordsLoad } from './util';

// Where a frame's time goes at 50 consumers × 500 partitions playing at 10× with a crash (the load
// perf.spec.ts measures): Chromium's CPU profile (self time by function; give the page a wasm that
// keeps its names to read Rust functions) and the renderer's script/layout/style totals. A tool,
// not a test: it runs only with PROFILE=1 and prints `[profile]` lines; the raw profile is written
// to target/profile-*.cpuprofile (open it in Chromium's DevTools).
//
//   PROFILE=1 E2E_PORT=8195 npx playwright test -c tests/e2e profile.spec.ts
//   PROFILE=compare ...   the same in Compare with three lanes
//   PROFILE=records ...   perf.spec.ts's record flow instead: 30 × 120 with producers at 1,000
//                         records/s, played at 100× past 120 simulated seconds, then at 10× with a crash

const PLAY_MS = 8_000;
const mode = process.env.PROFILE;

type Node = { id: number; callFrame: { functionName: string; url: string }; children?: number[] };
type Profile = { nodes: Node[]; samples: number[]; timeDeltas: number[]; startTime: number };

const nameOf = (n: Node) => n.callFrame.functionName || `(anonymous ${path.basename(n.callFrame.url)})`;

/** Self time and total time (the function anywhere on the stack) per function name, in ms. */
function times(
  profile: Profile,
  within?: [number, number],
): { self: [string, number][]; total: [string, number][] } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  let clock = profile.startTime;
  profile.samples.forEach((id, i) => {
    clock += profile.timeDeltas[i] ?? 0;
    if (within && (clock < within[0] || clock > within[1])) return;
    const dt = (profile.timeDeltas[i] ?? 0) / 1000;
    const name = nameOf(byId.get(id)!);
    self.set(name, (self.get(name) ?? 0) + dt);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const n = nameOf(byId.get(at)!);
      if (!seen.has(n)) total.set(n, (total.get(n) ?? 0) + dt);
      seen.add(n);
    }
  });
  const sorted = (m: Map<string, number>) => [...m.entries()].sort((a, b) => b[1] - a[1]);
  return { self: sorted(self), total: sorted(total) };
}

async function metrics(cdp: CDPSession): Promise<Record<string, number>> {
  const { metrics } = (await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] };
  return Object.fromEntries(metrics.map((m) => [m.name, m.value]));
}

type TraceEvent = { name: string; ph: string; dur?: number; tid: number; pid: number; args?: any };

/** Wall time per trace event name on the renderer's main thread (complete events, nested ones too). */
function mainThreadTimes(events: TraceEvent[]): [string, number, number, number][] {
  const main = events.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  const all = new Map<string, number[]>();
  for (const e of events) {
    if (!main || e.pid !== main.pid || e.tid !== main.tid || e.ph !== 'X' || !e.dur) continue;
    all.set(e.name, [...(all.get(e.name) ?? []), e.dur / 1000]);
  }
  // name, total ms, count, longest ms
  return [...all.entries()]
    .map(([name, d]) => [name, d.reduce((a, b) => a + b, 0), d.length, Math.max(...d)] as [string, number, number, number])
    .sort((a, b) => b[1] - a[1]);
}

test('where the frames go at 50 × 500 (or with records), 10×, with a crash', async ({ page, browser }) => {
  test.skip(!mode, 'a profiling tool: run with PROFILE=1 (single view), PROFILE=compare or PROFILE=records');
  test.setTimeout(240_000);
  const compare = mode === 'compare';
  const records = mode === 'records';
  const label = compare ? 'compare' : records ? 'records' : 'single';
  const tracing = process.env.TRACE === '1';
  await open(page);
  // PROFILE_CSS: extra CSS to try without a rebuild (its effect shows in the layout and paint totals).
  if (process.env.PROFILE_CSS) await page.addStyleTag({ content: process.env.PROFILE_CSS });
  if (records) {
    // Two simulated minutes of records first (the trace the page then carries), paused at 10×.
    await loadRecordsLoad(page, 500);
    await setSpeed(page, '100×');
    await play(page);
    await expect.poll(() => simTime(page), { timeout: 150_000, intervals: [100] }).toBeGreaterThan(120_000);
    await pause(page);
    await setSpeed(page, '10×');
  } else if (compare) {
    await loadOneGroup(page, 50, 500);
    await page.getByRole('button', { name: 'Compare protocols' }).click();
    await setSpeed(page, '10×');
    await play(page);
    await expect(page.getByRole('region', { name: 'Lane eager · range' }).locator('.lane-state')).toHaveText(
      /^Stable · generation 1$/,
      { timeout: 60_000 },
    );
    await pause(page);
  } else {
    await loadOneGroup(page, 50, 500);
    await setSpeed(page, '10×');
    await runUntilStable(page, 1);
  }
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  const before = await metrics(cdp);
  await cdp.send('Profiler.start');
  if (tracing) {
    await browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline'] });
  }
  // CSS locators, as perf.spec.ts: a role query's page-wide layout would show up as the page's work.
  await page.locator('button[aria-label="Play"]').click();
  await page.waitForTimeout(PLAY_MS / 4);
  const kill = compare
    ? page.locator('li[aria-label="Controls for c7"] button[aria-label="Kill c7"]')
    : page.locator('.card button[aria-label="Kill c7"]');
  await kill.click();
  await page.waitForTimeout((PLAY_MS * 3) / 4);
  await page.locator('button[aria-label="Pause"]').click();
  const { profile } = (await cdp.send('Profiler.stop')) as { profile: Profile };
  if (tracing) {
    const raw = await browser.stopTracing();
    // The raw trace beside the CPU profile, to load into DevTools or read with a script.
    fs.writeFileSync(path.join(__dirname, '..', '..', 'target', `profile-${label}.trace.json`), raw);
    const trace = JSON.parse(raw.toString()) as { traceEvents: TraceEvent[] };
    // The long tasks, when they happened (s from the start of the recording; the kill is a click).
    const main = trace.traceEvents.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain')!;
    const onMain = trace.traceEvents.filter((e: any) => e.pid === main.pid && e.tid === main.tid && e.ph === 'X');
    const t0 = Math.min(...onMain.map((e: any) => e.ts));
    const at = (e: any) => ((e.ts - t0) / 1e6).toFixed(2);
    const clicks = onMain.filter((e: any) => e.name === 'EventDispatch' && e.args?.data?.type === 'click');
    console.log(`[profile] clock: trace starts at ${t0}, profile at ${profile.startTime} (µs)`);
    console.log(`[profile] clicks at ${clicks.map(at).join(', ')} s`);
    const long = onMain.filter((e: any) => e.name === 'RunTask' && e.dur > 40_000);
    console.log(`[profile] tasks over 40 ms: ${long.map((e: any) => `${at(e)} s ${(e.dur / 1000).toFixed(0)} ms`).join(', ')}`);
    // What the longest tasks did: the profile's samples inside each (the same clock as the trace's).
    for (const task of [...long].sort((a: any, b: any) => b.dur - a.dur).slice(0, Number(process.env.TASKS ?? 3))) {
      const ours = times(profile, [task.ts, task.ts + task.dur]).total.filter(([n]) => n.includes('rebalance_lab'));
      console.log(`[profile] the task at ${at(task)} s (${(task.dur / 1000).toFixed(0)} ms): ` +
        ours.slice(0, 14).map(([n, ms]) => `${n.replace(/::h[0-9a-f]{16}/g, '').slice(-70)} ${ms.toFixed(0)}`).join(' | '));
      // And the browser's own work inside it (a long task without our functions is rendering).
      const inside = onMain.filter((e: any) => e !== task && e.ts >= task.ts && e.ts + (e.dur ?? 0) <= task.ts + task.dur);
      console.log(`[profile]   the browser in it: ` +
        mainThreadTimes([main, ...inside]).slice(0, 10).map(([n, ms, k]) => `${n} ${ms.toFixed(0)} ms (${k})`).join(' | '));
    }
    for (const [name, ms, n, max] of mainThreadTimes(trace.traceEvents).slice(0, 25)) {
      console.log(`[profile] main thread ${ms.toFixed(0).padStart(6)} ms in ${n} (longest ${max.toFixed(0)} ms)  ${name}`);
    }
  }
  const after = await metrics(cdp);
  const out = path.join(__dirname, '..', '..', 'target', `profile-${label}.cpuprofile`);
  fs.writeFileSync(out, JSON.stringify(profile));
  const d = (k: string) => ((after[k] ?? 0) - (before[k] ?? 0)).toFixed(2);
  console.log(
    `[profile] ${label}: task ${d('TaskDuration')} s, script ${d('ScriptDuration')} s, ` +
      `layout ${d('LayoutDuration')} s, style ${d('RecalcStyleDuration')} s over ~${PLAY_MS / 1000} s`,
  );
  const { self, total } = times(profile);
  for (const [name, ms] of self.slice(0, 35)) {
    console.log(`[profile] self ${ms.toFixed(0).padStart(6)} ms  ${name.slice(0, 150)}`);
  }
  for (const [name, ms] of total.slice(0, 40)) {
    console.log(`[profile] total ${ms.toFixed(0).padStart(6)} ms  ${name.slice(0, 150)}`);
  }
  // The page's own functions (the wasm keeps their names in a profiling build), by total time.
  for (const [name, ms] of total.filter(([n]) => n.includes('rebalance_lab')).slice(0, 40)) {
    console.log(`[profile] ours ${ms.toFixed(0).padStart(6)} ms  ${name.slice(0, 150)}`);
  }
  if (!compare && !records) await expect(group(page).getByLabel('Generation')).toHaveText('2', { timeout: 20_000 });
});
