// The crash test of the sync engine: while the sandbox streams record changes (150 records changed 10 times each,
// 100 webhooks a second), the relay is killed with SIGKILL three times and started again. Afterwards every webhook
// the relay accepted is applied exactly once in Kommo (one journal note per change, never two, in the order of the
// changes), or was superseded by a newer change of the same record; every record has exactly one lead holding its
// final time; webhooks sent while the relay was down are repaired by the reconciler. Run twice: with Kommo healthy,
// and with the sandbox failing 20% of Kommo calls (429, 500, and answers that come after the relay's timeout
// although the call was carried out), the relay's pauses before a retry shortened (a setting only tests use).
// The same run at 10,000 webhooks, with its figures: node bench/sync_scale.mjs crash
import { test } from 'node:test';
import { crashRun, kommoFaults } from './sync_runs.mjs';

const size = { records: 150, changes: 10, perSecond: 100 };

test('SIGKILL three times during 1,500 webhooks: every accepted change applied exactly once', { timeout: 600000 }, async () => {
  console.log((await crashRun(size)).summary);
});

test('the same with 20% of Kommo calls failing (429, 500, late answers after the work was done)', { timeout: 600000 }, async () => {
  console.log((await crashRun({ ...size, faults: kommoFaults, retryDelaysMs: '100,300,1000' })).summary);
});
