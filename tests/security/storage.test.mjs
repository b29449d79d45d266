// Storage faults against the relay and sandbox processes: while another process holds the database's write lock
// past the relay's busy timeout, /healthz says so and a webhook is refused (neither with the database's text), and
// once the lock goes the relay keeps the very next webhook, without a restart.
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { startStack } from '../../tools/stack.mjs';
import { inboxTotal } from './stack_calls.mjs';

// A sqlite3 process that takes the database's write lock and holds it until released.
function holdWriteLock(path) {
  const shell = spawn('sqlite3', [path], { stdio: ['pipe', 'pipe', 'inherit'] });
  shell.stdin.write('BEGIN EXCLUSIVE;\nSELECT \'locked\';\n');
  const locked = new Promise((resolve) => shell.stdout.on('data', (chunk) => { if (String(chunk).includes('locked')) resolve(); }));
  const release = () => new Promise((resolve) => {
    shell.on('exit', resolve);
    shell.stdin.end('ROLLBACK;\n');
  });
  return { locked, release };
}
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
