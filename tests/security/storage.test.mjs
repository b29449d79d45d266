// Storage faults against the relay and sandbox processes: while another process holds the database's write lock
// past the relay's busy timeout, /healthz says so and a webhook is refused (neither with the database's text); once
// the lock goes the relay keeps the very next webhook and finishes the event a worker held, without a restart; an
// event a lost claim left "processing" goes back in line; no account's history is kept past its period.
import test from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../../tools/stack.mjs';
import { holdLocks, inboxTotal, sql } from './stack_calls.mjs';
import { leadsByRecord } from '../e2e/sync_checks.mjs';

// A sqlite3 process that takes the database's write lock and holds it until released.
const holdWriteLock = (path) => holdLocks('sqlite3', [path], 'BEGIN EXCLUSIVE;');
const health = async (stack) => {
  const answer = await fetch(`${stack.relayUrl}/healthz`);
  return { status: answer.status, text: await answer.text() };
};
async function eventually(check, ms = 20000) {
  for (const until = Date.now() + ms; Date.now() < until; await new Promise((resolve) => setTimeout(resolve, 50))) if (await check()) return true;
  return check();
}

test('/healthz answers 503 while the database cannot be written, and the first webhook after the fault is kept', async (t) => {
  const stack = await startStack({ relayEnv: { KB_WORKER_THREADS: '1' } });   // fewer writers queue behind the lock
  t.after(() => stack.stop());
  assert.equal((await health(stack)).status, 200);
  const hook = (await stack.state()).altegio.hook_urls['400001'][0];
  const record = { company_id: 400001, resource: 'record', resource_id: 596792978, status: 'update',
                   data: { id: 596792978, company_id: 400001, attendance: 1, comment: 'storage fault', last_change_date: '2026-12-01T10:00:00+0300' } };
  const lock = holdWriteLock(stack.databasePath);
  await lock.locked;
  try {
    await new Promise((resolve) => setTimeout(resolve, 1100));   // the last answer is kept for a second
    const blocked = await health(stack);
    assert.equal(blocked.status, 503);
    assert.ok(!/locked|sqlite|database is/i.test(blocked.text), blocked.text);   // the reason goes to the log only
    // A webhook now cannot be kept: it is refused (Altegio sends it again), never answered 200 and lost.
    const refused = await fetch(hook, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(record) });
    assert.ok(refused.status >= 500, `answered ${refused.status} while nothing could be stored`);
    const said = await refused.text();
    assert.match(said, /"message_key":"ui\.error\.storage"/);
    assert.ok(!/locked|sqlite|database:/i.test(said), said);   // a reference to the log, not the database's text
  } finally {
    await lock.release();
  }
  assert.ok(await eventually(async () => (await health(stack)).status === 200, 5000), '/healthz answers 200 again');
  const before = await inboxTotal(stack);
  const accepted = await fetch(hook, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(record) });
  assert.equal(accepted.status, 200, 'the first webhook after the fault is kept (Altegio never sends it again)');
  assert.equal(await inboxTotal(stack), before + 1);
});

// The worker's last Kommo call (the journal note) is carried out, and its answer held back while another process takes
// the write lock past the relay's busy timeout: the worker's writes after the call (the call's history row, the
// record's link, the event's outcome) meet a locked database. Once the lock goes, the running relay (no restart)
// finishes the event, and nothing is made twice. (Before, a write that failed on a kept statement left the
// connection's transaction open: the outcome "saved" after it was never committed, and the event stayed in hand.)
test('an outcome the database refused is saved once it answers again, without a restart, and nothing is made twice', async (t) => {
  const stack = await startStack({ relayEnv: { KB_WORKER_THREADS: '1' } });
  t.after(() => stack.stop());
  const fault = await fetch(`${stack.sandboxUrl}/__sandbox/faults`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ target: 'kommo', path_contains: 'notes', status: 0, delay_ms: 1000, count: 1 }),
  });
  assert.equal(fault.status, 201);
  const notesBefore = (await stack.state()).kommo.notes.length;
  const record = await stack.staffCreates('2027-03-09T15:00:00+03:00', 'Инна Замкова', '+79035551212');
  assert.ok(await eventually(async () => (await stack.state()).kommo.notes.length > notesBefore, 20000), 'the note was made');
  const lock = holdWriteLock(stack.databasePath);
  await lock.locked;
  await new Promise((resolve) => setTimeout(resolve, 8000));   // the answer comes within 1 s, then a 5 s busy timeout
  await lock.release();
  const counts = async () => Object.fromEntries((await (await fetch(`${stack.relayUrl}/metrics`)).text())
    .split('\n').map((line) => line.match(/^kb_inbox_events\{state="(\w+)"\} (\d+)$/)).filter(Boolean).map((m) => [m[1], Number(m[2])]));
  assert.ok(await eventually(async () => { const c = await counts(); return c.processing === 0 && c.pending === 0; }, 20000),
            `the event was finished by the running relay: ${JSON.stringify(await counts())}`);
  const state = await stack.state();
  const leads = leadsByRecord(state);
  assert.ok(leads.get(String(record.id)), 'the record has its lead');
  assert.equal(state.kommo.notes.filter((n) => n.entity_id === leads.get(String(record.id)).id).length, 1, 'one note, made once');
  assert.ok(stack.relayLogs().some((line) => line.includes('database is locked')), 'the lock met the worker\'s writes');
});

// A claim whose answer never reached a worker (the database committed it, the relay saw an error) leaves an event
// "processing" that nothing works on. The running relay's sweep puts it back in line; an event a worker holds stays
// with that worker, however long its calls take.
test('an event a fault left in processing is queued again while the relay runs; one in hand is not taken twice', async (t) => {
  const stack = await startStack({ relayEnv: { KB_INBOX_SWEEP_MS: '300' } });
  t.after(() => stack.stop());
  // The record's event is in a worker's hands for seconds (every Kommo answer comes late) while the sweep runs ten times.
  await fetch(`${stack.sandboxUrl}/__sandbox/faults`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ target: 'kommo', status: 0, delay_ms: 1000, count: 3 }),
  });
  const record = await stack.staffCreates('2027-03-09T16:00:00+03:00', 'Вера Медленная', '+79035553434');
  const row = () => JSON.parse(sql(stack, `SELECT json_object('state', state, 'attempts', attempts, 'claimed_by', claimed_by) FROM inbox
                                    WHERE resource = 'record' AND resource_id = ${record.id} AND source = 'altegio'`) || 'null');
  assert.ok(await eventually(async () => row()?.state === 'done', 30000), 'the event in hand was finished');
  assert.equal(row().attempts, 1, 'the sweep left the event a worker held alone');
  assert.equal([...leadsByRecord(await stack.state()).keys()].filter((id) => id === String(record.id)).length, 1);

  // An event claimed by this relay whose claim never reached a worker.
  const instance = row().claimed_by;
  assert.ok(instance.length > 0);
  sql(stack, `INSERT INTO inbox (account_id, source, company_id, resource, resource_id, event_type, dedupe_key, body, received_at_ms, state, attempts, claimed_by)
       SELECT account_id, source, company_id, resource, resource_id, 'update', 'lost-claim', body, received_at_ms, 'processing', 1, '${instance}'
       FROM inbox WHERE resource = 'record' AND resource_id = ${record.id}`);
  const lost = () => sql(stack, "SELECT state FROM inbox WHERE dedupe_key = 'lost-claim'");
  assert.ok(['processing', 'pending', 'done'].includes(lost()), 'the row is in (the sweep may already have run)');
  assert.ok(await eventually(async () => lost() === 'done', 10000), `the lost claim was queued again and done: ${lost()}`);
  assert.ok(stack.relayLogs().some((line) => line.includes('a fault left in processing are queued again')));
});

// History is pruned for every account past its period: an installed account's by its setting, and the rows of
// accounts that uninstalled and of account 0 (webhooks refused before any account was known) by the default period.
test('history of uninstalled accounts and of no account is pruned like an installed account\'s', async (t) => {
  const stack = await startStack({ setUp: 'installed' });
  t.after(() => stack.stop());
  const old = Date.now() - 400 * 86400000, recent = Date.now() - 3600000;
  const values = [0, 31000077, 31000001].flatMap((account) => [old, recent].map((at) =>
    `(${at}, ${account}, 'in', 'altegio.webhook', 'POST', '/hooks/altegio/***', 404, 'refused: test', '', '', 1)`));
  sql(stack, `INSERT INTO request_history (at_ms, account_id, direction, kind, method, target, status, error, request_body, response_body, duration_ms)
       VALUES ${values.join(', ')}`);
  await stack.killRelay('SIGTERM');
  await stack.startRelay();   // pruning runs at start, then hourly
  const left = () => sql(stack, `SELECT account_id || ':' || (at_ms = ${old}) FROM request_history WHERE error = 'refused: test' ORDER BY account_id`);
  assert.ok(await eventually(async () => left() === '0:0\n31000001:0\n31000077:0', 10000), `left: ${left()}`);
});
