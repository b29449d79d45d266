// The sync engine's loopback runs at the README's sizes, with their figures (the tests run the same runs smaller:
// tests/e2e/crash.test.mjs, burst.test.mjs, two_relays.test.mjs). Relay and sandbox are the optimised binaries of
// build/release (cmake --preset release && cmake --build --preset release --target relay sandbox).
//   node bench/sync_scale.mjs crash        10,000 webhooks (500 records x 20 changes, 250 a second), three SIGKILLs
//   node bench/sync_scale.mjs faults       the same with 20% of Kommo calls failing and the relay's own retry pauses
//   node bench/sync_scale.mjs burst        1,000 new records under Kommo's real 7 calls a second
//   bash tools/with_postgres.sh node bench/sync_scale.mjs two-relays   10,000 webhooks over two relays, one SIGKILLed
// Each run checks its guarantee as the test does and prints one line of figures.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
process.env.KB_BUILD_DIR ||= join(root, 'build/release');
const { burstRun, crashRun, kommoFaults, twoRelaysRun } = await import('../tests/e2e/sync_runs.mjs');

const stream = { records: 500, changes: 20, perSecond: 250 };
const runs = {
  crash: () => crashRun(stream),
  faults: () => crashRun({ ...stream, faults: kommoFaults }),
  burst: () => burstRun({ records: 1000 }),
  'two-relays': () => {
    if (!process.env.KB_TEST_POSTGRES_URL) throw new Error('run it as: bash tools/with_postgres.sh node bench/sync_scale.mjs two-relays');
    return twoRelaysRun({ serverUrl: process.env.KB_TEST_POSTGRES_URL, ...stream });
  },
};
const chosen = process.argv.slice(2);
if (!chosen.length || chosen.some((name) => !runs[name])) {
  console.error(`usage: node bench/sync_scale.mjs ${Object.keys(runs).join('|')} [...]`);
  process.exit(2);
}
for (const name of chosen) console.log((await runs[name]()).summary);
