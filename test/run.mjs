#!/usr/bin/env node
// The one test command (`npm test`): type-check, make sure Chromium and PostgreSQL are there
// (installing or starting them where this machine allows), then run every suite. A suite is
// never skipped: what cannot be set up fails with the one command that fixes it.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import net from 'node:net';

const CI = process.env.CI === 'true' || process.env.CI === '1';
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

function run(cmd, args, options = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...options });
  return r.status ?? 1;
}
function quiet(cmd, args) {
  return spawnSync(cmd, args, { encoding: 'utf8' });
}
function fail(message) {
  console.error(`\n✗ ${message}`);
  process.exit(1);
}
function isRoot() {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}
function portOpen(port, host = '127.0.0.1') {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
    socket.setTimeout(1000, () => { socket.destroy(); resolve(false); });
  });
}

function ensureChromium() {
  if (existsSync(CHROMIUM)) return;
  const hasApt = quiet('which', ['apt-get']).status === 0;
  if (!isRoot() || !hasApt) fail(`Chromium is missing at ${CHROMIUM}. Run: sudo apt-get update && sudo apt-get install -y chromium`);
  console.log('▸ installing Debian chromium (browser tests need it)…');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (run('apt-get', ['update', '-qq'], { env }) !== 0 || run('apt-get', ['install', '-y', '-qq', 'chromium', 'fonts-noto-core'], { env }) !== 0 || !existsSync(CHROMIUM)) {
    fail('Could not install Chromium. Run: apt-get update && apt-get install -y chromium');
  }
}

async function ensurePostgres() {
  const url = new URL(PG_URL);
  const port = Number(url.port || 5432);
  if (!(await portOpen(port, url.hostname))) {
    const versions = existsSync('/etc/postgresql') ? readdirSync('/etc/postgresql') : [];
    if (versions.length === 0 || quiet('which', ['pg_ctlcluster']).status !== 0) {
      fail(`PostgreSQL is not reachable at ${url.host} and is not installed here. Run: apt-get install -y postgresql, then start it with pg_ctlcluster`);
    }
    console.log(`▸ starting PostgreSQL ${versions[0]}…`);
    run('pg_ctlcluster', ['--skip-systemctl-redirect', versions[0], 'main', 'start']);
    for (let i = 0; i < 30 && !(await portOpen(port, url.hostname)); i++) await new Promise((r) => setTimeout(r, 500));
    if (!(await portOpen(port, url.hostname))) fail(`PostgreSQL did not start. Run: pg_ctlcluster --skip-systemctl-redirect ${versions[0]} main start`);
  }
  const database = url.pathname.slice(1) || 'test';
  if (quiet('which', ['psql']).status === 0) {
    const exists = quiet('psql', ['-h', url.hostname, '-p', String(port), '-U', url.username || 'postgres', '-d', 'postgres', '-tAc', `select 1 from pg_database where datname='${database}'`]);
    if (exists.status === 0 && exists.stdout.trim() !== '1') {
      quiet('createdb', ['-h', url.hostname, '-p', String(port), '-U', url.username || 'postgres', database]);
    }
  }
}

const started = Date.now();
console.log('▸ type-check (tsc -p .)');
if (run('npx', ['tsc', '-p', '.']) !== 0) fail('type-check failed');
ensureChromium();
await ensurePostgres();

mkdirSync('test-results', { recursive: true });
const report = 'test-results/vitest.json';
const env = { ...process.env, DIALECTS: process.env.DIALECTS ?? 'sqlite,postgres', TEST_DATABASE_URL: PG_URL, CHROMIUM_PATH: CHROMIUM };
const status = run('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile=${report}`, ...process.argv.slice(2)], { env });

let passed = 0, failed = 0, skipped = 0;
const perSuite = {};
if (existsSync(report)) {
  const result = JSON.parse(readFileSync(report, 'utf8'));
  for (const file of result.testResults ?? []) {
    const suite = file.name.includes('/test/server/') ? 'server' : file.name.includes('/test/browser/') ? 'browser' : 'unit';
    perSuite[suite] ??= { passed: 0, failed: 0, skipped: 0 };
    for (const t of file.assertionResults ?? []) {
      const key = t.status === 'passed' ? 'passed' : t.status === 'failed' ? 'failed' : 'skipped';
      perSuite[suite][key]++;
    }
  }
  for (const s of Object.values(perSuite)) { passed += s.passed; failed += s.failed; skipped += s.skipped; }
}
console.log('\nSuites:');
for (const [name, s] of Object.entries(perSuite)) console.log(`  ${name.padEnd(8)} ${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped`);
console.log(`Time: ${((Date.now() - started) / 1000).toFixed(1)} s`);
if (CI && skipped > 0) {
  console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
  fail(`${skipped} test(s) were skipped; CI allows none`);
}
for (const suite of ['unit', 'server', 'browser']) {
  if (!perSuite[suite] || perSuite[suite].passed === 0) { failed++; console.error(`✗ the ${suite} suite ran no test`); }
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(status !== 0 || failed > 0 ? 1 : 0);
