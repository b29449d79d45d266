// Two relays on one PostgreSQL database behind a round-robin balancer: while the sandbox sends 10,000 record
// webhooks (500 records changed 20 times each), spread over both relays, one relay is killed with SIGKILL
// midway and stays down. Afterwards every webhook a relay accepted is applied exactly once in Kommo (its note
// there once) or was superseded by a newer change of the same record, and each lead's notes follow the order
// of the record's changes: the surviving relay took over the dead one's claimed events without running any
// twice or out of turn.
// Needs the PostgreSQL server tools/with_postgres.sh starts (KB_TEST_POSTGRES_URL).
// Smaller runs: KB_CRASH_RECORDS=50 KB_CRASH_CHANGES=5 bash tools/with_postgres.sh node --test tests/e2e/two_relays.test.mjs
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { startStack } from '../../tools/stack.mjs';
import { checkAppliedOnceInOrder, json, leadsByRecord, post, settle, sleep, staffRecords } from './sync_checks.mjs';

const records = Number(process.env.KB_CRASH_RECORDS || 500);
const changes = Number(process.env.KB_CRASH_CHANGES || 20);
const perSecond = Number(process.env.KB_CRASH_RATE || 250);

// The rows `sql` selects, as objects, read with psql.
function rowsOf(url, sql) {
  const text = execFileSync('psql', [url, '-X', '-At', '-c', `SELECT COALESCE(json_agg(t), '[]') FROM (${sql}) t`],
    { maxBuffer: 1 << 28 }).toString();
  return JSON.parse(text);
}

// Whether every record's lead holds the record's final time.
async function allLeadsFinal(stack, ids) {
  const state = await json(`${stack.sandboxUrl}/__sandbox/state`);
  const leadOf = leadsByRecord(state);
  const timeField = state.kommo.lead_fields.find((f) => f.code === 'KB_ALTEGIO_TIME').id;
  const finalOf = new Map(state.altegio.records.map((r) => [String(r.id), r.datetime.slice(11, 16)]));
  return ids.every((id) => (leadOf.get(String(id))?.custom_fields_values || []).find((f) => f.field_id === timeField)?.values[0].value ===
                           finalOf.get(String(id)));
}

// A fresh database on the test server: postgresql:///postgres?host=... -> postgresql:///<name>?host=...
function freshDatabase(serverUrl, name) {
  execFileSync('psql', [serverUrl, '-X', '-q', '-c', `DROP DATABASE IF EXISTS ${name}`, '-c', `CREATE DATABASE ${name}`],
    { env: { ...process.env, PGOPTIONS: '--client-min-messages=warning' } });
  return serverUrl.replace(/^(postgres(?:ql)?:\/\/[^/]*\/)[^?]*/, `$1${name}`);
}

test('two relays on PostgreSQL, one SIGKILLed midway through 10,000 webhooks: each applied once, in order per record',
  { timeout: 1500000, skip: process.env.KB_TEST_POSTGRES_URL ? false : 'needs tools/with_postgres.sh' }, async () => {
    const databaseUrl = freshDatabase(process.env.KB_TEST_POSTGRES_URL, `kb_two_relays_${process.pid}`);
    const stack = await startStack({
      relays: 2,
      relayEnv: { KB_DATABASE_URL: databaseUrl, KB_KOMMO_REQUESTS_PER_SECOND: '500', KB_ALTEGIO_REQUESTS_PER_SECOND: '500',
                  KB_WORKER_THREADS: '8', KB_HTTP_TIMEOUT_MS: '1000' },
      relayArgs: ['--reconcile-seconds', '2'],
      sandboxArgs: ['--kommo-rps', '2000', '--altegio-rps', '2000'],
    });
    try {
      const started = Date.now();
      const ids = await staffRecords(stack, records, '902');
      await settle(stack);
      const phases = [`${records} leads in ${((Date.now() - started) / 1000).toFixed(1)} s`];

      // [SECTION] 10,000 changes over both relays; relay 0 killed at half and left down
      await post(`${stack.sandboxUrl}/__sandbox/altegio/change_stream`, { record_ids: ids, changes_per_record: changes, per_second: perSecond });
      const total = ids.length * changes;
      while ((await json(`${stack.sandboxUrl}/__sandbox/webhooks`)).changes_made < total / 2) await sleep(50);
      const killed = await stack.killRelay('SIGKILL', 0);
      assert.equal(killed.signal, 'SIGKILL');
      const killedAt = Date.now();
      phases.push(`relay 0 killed at ${((killedAt - started) / 1000).toFixed(1)} s`);
      while ((await json(`${stack.sandboxUrl}/__sandbox/webhooks`)).changes_made < total) await sleep(200);
      await settle(stack);
      phases.push(`inbox empty at ${((Date.now() - started) / 1000).toFixed(1)} s`);
      // Webhooks refused while relay 0 was going down are repaired by the reconciler; if relay 0 held the
      // reconciler's lease, relay 1 takes it over when the lease runs out (3 reconciler intervals). Wait for that.
      let inbox = await settle(stack);
      for (const waitStarted = Date.now(); !(await allLeadsFinal(stack, ids));) {
        assert.ok(Date.now() - waitStarted < 60000, 'the reconciler did not repair the refused webhooks within a minute');
        await sleep(1000);
        inbox = await settle(stack);
      }
      phases.push(`leads final at ${((Date.now() - started) / 1000).toFixed(1)} s`);

      // [SECTION] what Kommo holds, against every webhook sent
      const state = await json(`${stack.sandboxUrl}/__sandbox/state`);
      const rows = rowsOf(databaseUrl, "SELECT resource_id AS id, body::json #>> '{data,datetime}' AS datetime, source, state, outcome," +
                                       " attempts, claimed_by FROM inbox WHERE resource = 'record'");
      const { accepted, superseded, refused, notes } = checkAppliedOnceInOrder(state, ids, rows);
      assert.equal(inbox.failed || 0, 0);
      const byRelay = new Map();
      for (const r of rows) byRelay.set(r.claimed_by, (byRelay.get(r.claimed_by) || 0) + 1);
      assert.ok([...byRelay.keys()].filter((k) => k).length >= 2, `both relays worked: ${JSON.stringify([...byRelay])}`);
      const retaken = rows.filter((r) => r.attempts > 1).length;
      const repaired = rows.filter((r) => r.source === 'reconciler').length;
      console.log(`two relays: ${total} changes, ${accepted} webhooks accepted, ${refused} refused, ${repaired} stored first by the reconciler (before their webhook), ` +
                  `${superseded} superseded; ${notes} notes; events per relay ${JSON.stringify([...byRelay.values()])}; ` +
                  `${retaken} events taken more than once (retries, and the dead relay's claims); ` +
                  `${((Date.now() - started) / 1000).toFixed(1)} s (${phases.join(', ')})`);
    } catch (error) {
      console.log(stack.relayLogs(1).slice(-30).join('\n'));
      throw error;
    } finally {
      stack.stop();
    }
  });
