// The sync engine's runs over loopback, relay and sandbox as processes, at any size: the tests run them small enough
// to prove their guarantee in seconds (crash.test.mjs, burst.test.mjs, two_relays.test.mjs), and
// bench/sync_scale.mjs runs them at the README's sizes (10,000 webhooks, 1,000 records) for the figures.
// Each run asserts its guarantee and returns its figures; `summary` is the line a run prints.
//   crashRun       SIGKILLs while record changes stream in: every accepted change applied exactly once, in order
//   twoRelaysRun   two relays on PostgreSQL, one SIGKILLed midway and left down: the same, the survivor taking over
//   burstRun       new records under Kommo's real limit: one lead each, no 429, the pace against the limit's minimum
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startStack } from '../../tools/stack.mjs';
import { checkAppliedOnceInOrder, inboxCounts, json, leadsByRecord, post, settle, sleep, staffRecords } from './sync_checks.mjs';

const seconds = (since) => ((Date.now() - since) / 1000).toFixed(1);

// The relay's last log lines mentioning failures, for a failed run's message.
function relayTail(stack, n = 0) {
  return stack.relayLogs(n).filter((l) => /error|warn/.test(l)).slice(-40).join('\n');
}

// [SECTION] SIGKILLs during a stream of changes --------------------------------------------------------------------
// `records` records made by Altegio staff get a lead each; then each is changed `changes` times, `perSecond` webhooks
// a second, and the relay is SIGKILLed and started again at 20%, 45% and 70% of the stream. `faults` are the
// sandbox's fault rules for Kommo calls during the stream; `retryDelaysMs` (tests only) shortens the relay's pauses
// before an event is tried again.
export async function crashRun({ records, changes, perSecond, faults = [], retryDelaysMs = '' }) {
  const relayEnv = { KB_KOMMO_REQUESTS_PER_SECOND: '500', KB_ALTEGIO_REQUESTS_PER_SECOND: '500', KB_WORKER_THREADS: '16',
                     KB_HTTP_TIMEOUT_MS: '1000' };
  if (retryDelaysMs) relayEnv.KB_TEST_RETRY_DELAYS_MS = retryDelaysMs;
  const stack = await startStack({ relayEnv, relayArgs: ['--reconcile-seconds', '2'],
                                   sandboxArgs: ['--kommo-rps', '2000', '--altegio-rps', '2000'] });
  try {
    const started = Date.now();
    // [SECTION] the records made by staff in Altegio: a lead each
    const ids = await staffRecords(stack, records, '901');
    await settle(stack);
    const phases = [`${records} leads made in ${seconds(started)} s`];
    for (const fault of faults) await post(`${stack.sandboxUrl}/__sandbox/faults`, fault);

    // [SECTION] the changes, three SIGKILLs while they arrive
    await post(`${stack.sandboxUrl}/__sandbox/altegio/change_stream`, { record_ids: ids, changes_per_record: changes, per_second: perSecond });
    const total = ids.length * changes;
    for (const at of [0.2, 0.45, 0.7]) {
      while ((await json(`${stack.sandboxUrl}/__sandbox/webhooks`)).changes_made < total * at) await sleep(50);
      await stack.killRelay();
      await sleep(1500);
      await stack.startRelay();
    }
    while ((await json(`${stack.sandboxUrl}/__sandbox/webhooks`)).changes_made < total) await sleep(200);
    phases.push(`stream sent at ${seconds(started)} s`);
    await settle(stack);
    phases.push(`inbox empty at ${seconds(started)} s`);
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
    const summary = `crash run (${faults.length ? 'Kommo faults' : 'no faults'}): ${total} changes, ${accepted} webhooks accepted, ` +
                    `${refused} refused while the relay was down, ${repaired} changes repaired by the reconciler, ${superseded} superseded; ` +
                    `${notes} notes; ${seconds(started)} s (stream ${(total / perSecond).toFixed(0)} s; ${phases.join(', ')})`;
    return { total, accepted, refused, repaired, superseded, notes, seconds: (Date.now() - started) / 1000, summary };
  } catch (error) {
    console.log(stack.relayLogs().slice(-30).join('\n'));
    throw error;
  } finally {
    stack.stop();
  }
}

// The sandbox's share of Kommo calls that fail during a faulty crash run: 429, 500, and answers that come after the
// relay's timeout although the call was carried out (20% in all).
export const kommoFaults = [
  { target: 'kommo', status: 429, share: 0.07 },
  { target: 'kommo', status: 500, share: 0.07 },
  { target: 'kommo', status: 0, delay_ms: 1500, share: 0.06 },
];

// [SECTION] two relays on PostgreSQL, one killed midway ------------------------------------------------------------

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
export function freshDatabase(serverUrl, name) {
  execFileSync('psql', [serverUrl, '-X', '-q', '-c', `DROP DATABASE IF EXISTS ${name}`, '-c', `CREATE DATABASE ${name}`],
    { env: { ...process.env, PGOPTIONS: '--client-min-messages=warning' } });
  return serverUrl.replace(/^(postgres(?:ql)?:\/\/[^/]*\/)[^?]*/, `$1${name}`);
}

// `records` records changed `changes` times each, `perSecond` webhooks a second, round-robin over two relays sharing
// the PostgreSQL server at `serverUrl` (tools/with_postgres.sh); relay 0 is SIGKILLed at half and stays down.
export async function twoRelaysRun({ serverUrl, records, changes, perSecond }) {
  const databaseUrl = freshDatabase(serverUrl, `kb_two_relays_${process.pid}`);
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
    const phases = [`${records} leads in ${seconds(started)} s`];

    // [SECTION] the changes over both relays; relay 0 killed at half and left down
    await post(`${stack.sandboxUrl}/__sandbox/altegio/change_stream`, { record_ids: ids, changes_per_record: changes, per_second: perSecond });
    const total = ids.length * changes;
    while ((await json(`${stack.sandboxUrl}/__sandbox/webhooks`)).changes_made < total / 2) await sleep(50);
    const killed = await stack.killRelay('SIGKILL', 0);
    assert.equal(killed.signal, 'SIGKILL');
    phases.push(`relay 0 killed at ${seconds(started)} s`);
    while ((await json(`${stack.sandboxUrl}/__sandbox/webhooks`)).changes_made < total) await sleep(200);
    await settle(stack);
    phases.push(`inbox empty at ${seconds(started)} s`);
    // Webhooks refused while relay 0 was going down are repaired by the reconciler; if relay 0 held the
    // reconciler's lease, relay 1 takes it over when the lease runs out (3 reconciler intervals). Wait for that.
    let inbox = await settle(stack);
    for (const waitStarted = Date.now(); !(await allLeadsFinal(stack, ids));) {
      assert.ok(Date.now() - waitStarted < 60000, 'the reconciler did not repair the refused webhooks within a minute');
      await sleep(1000);
      inbox = await settle(stack);
    }
    phases.push(`leads final at ${seconds(started)} s`);

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
    const summary = `two relays: ${total} changes, ${accepted} webhooks accepted, ${refused} refused, ${repaired} stored first by the ` +
                    `reconciler (before their webhook), ${superseded} superseded; ${notes} notes; events per relay ` +
                    `${JSON.stringify([...byRelay.values()])}; ${retaken} events taken more than once (retries, and the dead relay's ` +
                    `claims); ${seconds(started)} s (${phases.join(', ')})`;
    return { total, accepted, refused, repaired, superseded, notes, seconds: (Date.now() - started) / 1000, summary };
  } catch (error) {
    console.log(stack.relayLogs(1).slice(-30).join('\n'));
    throw error;
  } finally {
    stack.stop();
  }
}

// [SECTION] a burst of new records under Kommo's real limit --------------------------------------------------------
// `records` records made in Altegio for new clients as fast as the sandbox takes them, with the sandbox enforcing
// Kommo's 7 calls a second and the relay its default (6): one lead each, none twice, no 429 answer. `pace` is the
// time from the first record to Kommo's last call against the least the 7/s limit allows for the calls made (the
// relay's 6/s makes 7/6 = 1.17 the best it can reach).
export async function burstRun({ records }) {
  const stack = await startStack();
  try {
    const before = await json(`${stack.sandboxUrl}/__sandbox/state`);
    const started = Date.now();
    for (let i = 0; i < records; ++i) {
      const day = String(1 + (i % 28)).padStart(2, '0');
      const hour = String(8 + Math.floor(i / 28) % 12).padStart(2, '0');
      await post(`${stack.sandboxUrl}/__sandbox/altegio/records`, {
        company_id: 400001, staff_id: 5001, services: [{ id: 7001 }], datetime: `2027-04-${day}T${hour}:${i % 2 ? '30' : '00'}:00+03:00`,
        save_if_busy: true, client: { name: `Burst ${i}`, phone: `+7903${String(i).padStart(7, '0')}` },
      });
    }
    // A manager opens the settings page while the burst is queued: its Kommo calls go before the sync's.
    const queued = (await inboxCounts(stack))?.pending ?? 0;
    const opening = Date.now();
    const page = await fetch(`${stack.relayUrl}/api/v1/settings`, { headers: { 'X-Auth-Token': await stack.token() } });
    assert.equal(page.status, 200, 'the settings page opens during the burst');
    const settingsSeconds = (Date.now() - opening) / 1000;
    await settle(stack, 1800000);
    const state = await json(`${stack.sandboxUrl}/__sandbox/state`);
    assert.equal(state.kommo.leads.length - before.kommo.leads.length, records, 'one lead per record');
    assert.equal(state.kommo.rate_limited_answers - before.kommo.rate_limited_answers, 0, 'Kommo never answered 429');
    const names = new Set(state.kommo.leads.map((l) => l.name));
    assert.equal(names.size, state.kommo.leads.length, 'no lead twice');
    const calls = state.kommo.calls_answered - before.kommo.calls_answered;
    const wall = (state.kommo.last_call_at_ms - started) / 1000;
    const pace = wall / (calls / 7);
    const summary = `burst: ${records} records -> ${records} leads, ${calls} Kommo calls (${(calls / records).toFixed(2)} a record) ` +
                    `in ${wall.toFixed(1)} s; the 7/s limit allows ${(calls / 7).toFixed(1)} s at best: ${pace.toFixed(2)}x; 429 answers: 0; ` +
                    `the settings page opened in ${settingsSeconds.toFixed(1)} s behind ${queued} queued events`;
    return { calls, wall, pace, settingsSeconds, summary };
  } finally {
    stack.stop();
  }
}
