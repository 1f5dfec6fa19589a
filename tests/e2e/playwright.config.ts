import { defineConfig } from '@playwright/test';

// E2E_PORT lets two runs share a machine.
const port = process.env.E2E_PORT ?? '8090';
// The page under test: scripts/test.sh builds it with the crash page's test hook into target/e2e-dist
// (`REBALANCE_LAB_DEBUG_PANIC=1 trunk build --release --dist target/e2e-dist`; crash.spec.ts needs the
// hook). E2E_DIST serves another build (e.g. one that keeps the wasm's function names, to profile).
const dist = process.env.E2E_DIST ?? '../../target/e2e-dist';

// Drives Debian's Chromium (never a downloaded browser) against the release build in dist/.
export default defineConfig({
  testDir: '.',
  timeout: 60_000,
  retries: 0,
  workers: 1,
  reporter: [['list']],
  outputDir: '../../target/e2e-results',
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    viewport: { width: 1440, height: 900 },
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  webServer: {
    command: `python3 -m http.server ${port} --bind 127.0.0.1 --directory ${dist}`,
    url: `http://127.0.0.1:${port}/index.html`,
    reuseExistingServer: false,
    stdout: 'ignore',
    stderr: 'ignore',
    timeout: 30_000,
  },
});
