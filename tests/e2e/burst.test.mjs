// A burst of new records made in Altegio for new clients, with the sandbox enforcing Kommo's real limit (7 calls a
// second) and the relay its default (6): exactly one lead per record, no 429 answer from Kommo, and the time from the
// first record to Kommo's last call within 1.2 times the least the 7/s limit allows for the calls made (7/6 = 1.17
// is the best the relay's own limit lets it reach). 150 records made about 160 calls in 27 s on the test build (new leads
// and notes waiting together share a request; the optimised build at 1,000 records makes 0.33 calls a record).
// The same at 1,000 records, with its figures: node bench/sync_scale.mjs burst
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { burstRun } from './sync_runs.mjs';

test('a burst of 150 new records: one lead each, zero 429s, paced within 1.2x of the limit', { timeout: 600000 }, async () => {
  const run = await burstRun({ records: 150 });
  console.log(run.summary);
  assert.ok(run.pace <= 1.2, `paced at ${run.pace.toFixed(2)}x the least the limit allows`);
});
