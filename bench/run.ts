/**
 * `npm run bench [-- name…]`: runs the named benchmarks (all by default) and prints their
 * numbers; the figures we rely on are recorded in bench/RESULTS.md. Targets live here,
 * never in timed unit tests.
 */
const BENCHES: Record<string, () => Promise<{ run: () => Promise<void> }>> = {
  calendar: () => import('./calendar.ts'),
  engine: () => import('./engine.ts'),
  server: () => import('./server.ts'),
};

const requested = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const unknown = requested.filter((name) => !(name in BENCHES));
if (unknown.length > 0) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')}; choose from ${Object.keys(BENCHES).join(', ')}`);
  process.exit(2);
}
for (const name of requested.length > 0 ? requested : Object.keys(BENCHES)) {
  console.log(`\n## ${name}`);
  const bench = await BENCHES[name]!();
  await bench.run();
}
