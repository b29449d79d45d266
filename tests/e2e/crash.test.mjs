// The crash test of the sync engine: while the sandbox sends 10,000 record webhooks (500 records changed 20
// times each), the relay is killed with SIGKILL three times and started again. Afterwards every webhook the
// relay accepted is applied exactly once in Kommo (one journal note per change, never two, in the order of the
// changes), or was superseded by a newer change of the same record; every record has exactly one lead holding its final
// time; webhooks sent while the relay was down are repaired by the reconciler. Run twice: with Kommo
// healthy, and with the sandbox failing 20% of Kommo calls (429, 500, and answers that come after the
// relay's timeout although the call was carried out).
// Smaller runs: KB_CRASH_RECORDS=50 KB_CRASH_CHANGES=5 node --test tests/e2e/crash.test.mjs
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { startStack } from '../../tools/stack.mjs';
import { checkAppliedOnceInOrder, json, leadsByRecord, post, settle, sleep, staffRecords } from './sync_checks.mjs';

const records = Number(process.env.KB_CRASH_RECORDS || 500);
const changes = Number(process.env.KB_CRASH_CHANGES || 20);
const perSecond = Number(process.env.KB_CRASH_RATE || 250);

// The relay's last log lines mentioning failures, for a failed run's message.
function relayTail(stack) {
  const logs = stack.relayLogs() || [];
  const lines = (Array.isArray(logs) ? logs : String(logs).split('\n')).filter((l) => /error|warn/.test(l));
  return lines.slice(-40).join('\n');
}

async function crashRun(faults) {
  const stack = await startStack({
    relayEnv: { KB_KOMMO_REQUESTS_PER_SECOND: '500', KB_ALTEGIO_REQUESTS_PER_SECOND: '500', KB_WORKER_THREADS: '16', KB_HTTP_TIMEOUT_MS: '1000' },
    relayArgs: ['--reconcile-seconds', '2'],
    sandboxArgs: ['--kommo-rps', '2000', '--altegio-rps', '2000'],
  });
  try {
    const started = Date.now();
    // [SECTION] 500 records made by staff in Altegio: 500 leads
    const ids = await staffRecords(stack, records, '901');
    await settle(stack);
    const phases = [`${records} leads made in ${((Date.now() - started) / 1000).toFixed(1)} s`];
    for (const fault of faults) await post(`${stack.sandboxUrl}/__sandbox/faults`, fault);

    // [SECTION] 10,000 changes, three SIGKILLs while they arrive
    await post(`${stack.sandboxUrl}/__sandbox/altegio/change_stream`, { record_ids: ids, changes_per_record: changes, per_second: perSecond });
    const total = ids.length * changes;
    const expectedMs = (total / perSecond) * 1000;
    for (const at of [0.2, 0.45, 0.7]) {
      while ((await json(`${stack.sandboxUrl}/__sandbox/webhooks`)).changes_made < total * at) await sleep(50);
      await stack.killRelay();
      await sleep(1500);
      await stack.startRelay();
    }
    while ((await json(`${stack.sandboxUrl}/__sandbox/webhooks`)).changes_made < total) await sleep(200);
    phases.push(`stream sent at ${((Date.now() - started) / 1000).toFixed(1)} s`);
    await settle(stack);
    phases.push(`inbox empty at ${((Date.now() - started) / 1000).toFixed(1)} s`);
    await sleep(5000);   // two reconciler rounds repair what arrived while the relay was down
    const inbox = await settle(stack);
    await fetch(`${stack.sandboxUrl}/__sandbox/faults`, { method: 'DELETE' });

    // [SECTION] what Kommo holds
    const state = await json(`${stack.sandboxUrl}/__sandbox/state`);
    const leadOf = leadsByRecord(state);
    const missing = ids.filter((id) => !leadOf.has(String(id)));
    if (missing.length) {   // what the relay did with their events, for whoever reads the failure
      const some = missing.slice(0, 5).join(',');
      console.log(`records without a lead: ${missing.length} (${some}…)\n` +
        execFileSync('sqlite3', [stack.databasePath, `SELECT id, source, resource_id, event_type, state, attempts, outcome, last_error` +
          ` FROM inbox WHERE resource_id IN (${some}) ORDER BY id`]).toString() + relayTail(stack));
    }
    const rows = JSON.parse(execFileSync('sqlite3', ['-json', stack.databasePath,
      "SELECT resource_id AS id, json_extract(body, '$.data.datetime') AS datetime, source, state, outcome FROM inbox WHERE resource = 'record'"],
    { maxBuffer: 1 << 28 }).toString() || '[]');
    const { accepted, superseded, refused, notes } = checkAppliedOnceInOrder(state, ids, rows);
    const repaired = rows.filter((r) => r.source === 'reconciler').length;
    assert.equal(inbox.failed || 0, 0);
    console.log(`crash run (${faults.length ? '20% Kommo faults' : 'no faults'}): ${total} changes, ${accepted} webhooks accepted, ` +
                `${refused} refused while the relay was down, ${repaired} changes repaired by the reconciler, ${superseded} superseded; ` +
                `${notes} notes; ${((Date.now() - started) / 1000).toFixed(1)} s (stream ${(expectedMs / 1000).toFixed(0)} s; ` +
                `${phases.join(', ')})`);
  } catch (error) {
    console.log(stack.relayLogs().slice(-30).join('\n'));
    throw error;
  } finally {
    stack.stop();
  }
}

test('SIGKILL three times during 10,000 webhooks: every accepted change applied exactly once', { timeout: 1200000 }, async () => {
  await crashRun([]);
});

test('the same with 20% of Kommo calls failing (429, 500, late answers after the work was done)', { timeout: 1200000 }, async () => {
  await crashRun([
    { target: 'kommo', status: 429, share: 0.07 },
    { target: 'kommo', status: 500, share: 0.07 },
    { target: 'kommo', status: 0, delay_ms: 1500, share: 0.06 },
  ]);
});
