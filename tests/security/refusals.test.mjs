// Every webhook the relay refuses leaves a row an administrator can find in the request history (type, time, status,
// reason, the first bytes of the body with secrets masked), nothing refused is kept as an event, and a flood of
// refusals cannot fill the store. Against the relay and sandbox processes, over loopback.
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startStack } from '../../tools/stack.mjs';
import { inboxTotal, sql } from './stack_calls.mjs';

const root = join(import.meta.dirname, '..', '..');
let stack, started;
before(async () => {
  stack = await startStack();
  started = Date.now();
});
after(() => stack && stack.stop());

const post = async (url, body, type) => (await fetch(url, { method: 'POST', headers: { 'Content-Type': type }, body })).status;
// The address with its key's tag changed: it still names the account, but is not its key.
const wrongTag = (url) => url.slice(0, -1) + (url.endsWith('0') ? '1' : '0');
// The history's refused posts of the account (newest first), each with its stored first bytes.
async function refusals() {
  const query = `from_ms=${started - 60000}&to_ms=${Date.now() + 60000}&types=altegio_webhook,kommo_webhook`;
  const page = await (await fetch(`${stack.relayUrl}/api/v1/history?${query}`, { headers: { 'X-Auth-Token': await stack.token() } })).json();
  const rows = page.rows.filter((r) => r.status >= 400 && r.error.startsWith('refused: '));
  for (const row of rows) {
    const detail = await (await fetch(`${stack.relayUrl}/api/v1/history/${row.id}`, { headers: { 'X-Auth-Token': await stack.token() } })).json();
    row.request_body = detail.request_body;
  }
  return rows;
}

test('each refused webhook leaves a history row with its type, status, reason and masked first bytes', async () => {
  const state = await stack.state();
  const altegio = state.altegio.hook_urls['400001'][0];
  const kommo = state.kommo.webhooks[0].destination;
  const before = await inboxTotal(stack);

  // 400: not JSON; the body names a token, which the history must not show.
  assert.equal(await post(altegio, '{"access_token":"secret-value-123", broken', 'application/json'), 400);
  // 403: Kommo's webhook for another account at this account's address (a real form of three leads moved, over
  // 8 KiB with thirty custom fields each).
  const form = readFileSync(join(root, 'tests/fixtures/kommo/webhook_leads_status_many_fields.txt'), 'utf8');
  assert.ok(form.length > 8192);
  assert.equal(await post(kommo, form.replaceAll('31000001', '31000999'), 'application/x-www-form-urlencoded'), 403);
  // 404: this account's address with a key that is not its own.
  assert.equal(await post(wrongTag(altegio), '{"company_id":400001}', 'application/json'), 404);
  // 413: over 1 MiB.
  assert.equal(await post(altegio, ' '.repeat(1024 * 1024 + 1), 'application/json'), 413);

  const rows = (await refusals()).reverse();   // oldest first
  assert.deepEqual(rows.map((r) => [r.status, r.kind]),
    [[400, 'altegio.webhook'], [403, 'kommo.webhook'], [404, 'altegio.webhook'], [413, 'altegio.webhook']]);
  assert.equal(rows[0].target, '/hooks/altegio/***');
  assert.ok(!rows[0].request_body.includes('secret-value-123'), rows[0].request_body);
  assert.ok(rows[0].request_body.includes('access_token'));
  assert.match(rows[1].error, /another account/);
  assert.equal(rows[1].request_body.length, 2048, 'the first bytes, not the whole body');
  assert.match(rows[2].error, /unknown webhook key/);
  for (const row of rows) assert.ok(row.at_ms >= started - 1000 && row.at_ms <= Date.now(), JSON.stringify(row));
  assert.equal(await inboxTotal(stack), before, 'nothing refused was kept as an event');

  // The same form for this account is taken: three stage changes.
  assert.equal(await post(kommo, form, 'application/x-www-form-urlencoded'), 200);
  assert.equal(await inboxTotal(stack), before + 3);
});

test('the history keeps no secret of a refused post, however it is written', async () => {
  const altegio = (await stack.state()).altegio.hook_urls['400001'][0];
  const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJhY2NvdW50X2lkIjoxfQ.c2lnbmF0dXJlLWJ5dGVz';
  const secrets = ['ab\\"cd-pass', jwt, 'Zx81_-kq9key', '31000001.0f3c2a9e8b7d6c5f4e3d2c1b0a998877', 'dp-key-31000001'];
  // Not JSON (a trailing comma), so refused with 400 and its first bytes kept: an escaped quote inside a password,
  // a disposable token, intake addresses with their keys, a Digital Pipeline trigger's key.
  const body = `{"password":"${secrets[0]}","token":"${jwt}","note":"Bearer ${jwt}",` +
               `"destination":"https://relay.example/hooks/kommo/${secrets[2]}","pbx":"/telephony/${secrets[3]}/calls",` +
               `"settings":{"intake_key":"${secrets[4]}"},}`;
  assert.equal(await post(altegio, body, 'application/json'), 400);
  const kept = (await refusals())[0].request_body;
  assert.match(kept, /"password":"\*\*\*","token"/, 'the password is masked whole, past its escaped quote');
  for (const secret of secrets) assert.ok(!kept.includes(secret.replace('\\', '')) && !kept.includes(secret), `${secret} in ${kept}`);
  assert.ok(kept.includes('/hooks/kommo/***') && kept.includes('/telephony/***/calls'), kept);
});

test('a flood of refused webhooks writes at most ten history rows a minute per account, and the relay keeps answering', async () => {
  const altegio = (await stack.state()).altegio.hook_urls['400001'][0];
  const earlier = (await refusals()).length;
  const bad = wrongTag(altegio);
  for (let i = 0; i < 300; ++i) assert.equal(await post(bad, '{}', 'application/json'), 404);
  // The first test's four rows and this flood's share the account's ten a minute (or, past a minute's turn, the
  // flood gets ten of its own): never three hundred.
  const now = (await refusals()).length;
  assert.ok(now >= 10 && now - earlier <= 10, `${earlier} rows, then ${now}`);
  assert.equal((await fetch(`${stack.relayUrl}/healthz`)).status, 200);
});

test('a flood to a key that names no account writes at most ten rows a minute to the operator\'s history', async () => {
  // Account 0's rows are the operator's: no account's administrator reads them, so the database is asked directly.
  const operatorRows = () => Number(sql(stack, "SELECT count(*) FROM request_history WHERE account_id = 0 AND error LIKE 'refused: %'"));
  const earlier = operatorRows();
  const nobody = `${stack.relayUrl}/hooks/altegio/424242.00000000000000000000000000000000`;
  for (let i = 0; i < 200; ++i) assert.equal(await post(nobody, '{}', 'application/json'), 404);
  const now = operatorRows();
  assert.ok(now >= 1 && now - earlier <= 10, `${earlier} rows, then ${now}`);
  assert.equal((await fetch(`${stack.relayUrl}/healthz`)).status, 200);
});
