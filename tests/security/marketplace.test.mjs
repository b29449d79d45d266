// Altegio Marketplace redirects as an attacker would send them, against the relay and sandbox processes: replayed
// for a location the Marketplace froze, with a signature carried to other locations, naming hundreds of locations, or
// sent again and again. Locations and users are read from the relay's database with sqlite3.
import test from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../../tools/stack.mjs';
import { sql } from './stack_calls.mjs';

const stateOf = (stack, salon) => sql(stack, `SELECT state FROM marketplace_locations WHERE salon_id = ${salon}`);
// A link as the Marketplace's redirect makes it (signed user data when `redirect.user` is given), in English.
async function linkFor(stack, redirect) {
  const made = await fetch(`${stack.sandboxUrl}/__sandbox/altegio/marketplace/redirect`, { method: 'POST', body: JSON.stringify(redirect) });
  assert.equal(made.status, 200);
  return `${(await made.json()).url}&lang=en`;
}
const open = async (url) => {
  const page = await fetch(url);
  return { status: page.status, text: await page.text() };
};
const activations = async (stack) => (await stack.state()).altegio.marketplace_activations.length;
async function until(check) {
  for (let i = 0; i < 300 && !(await check()); ++i) await new Promise((resolve) => setTimeout(resolve, 20));
}

test('a replayed Marketplace link does not bring back a location the Marketplace froze or removed', async (t) => {
  const stack = await startStack({ setUp: 'none' });
  t.after(() => stack.stop());
  const link = await linkFor(stack, { salon_ids: [400001] });
  assert.equal((await open(link)).status, 200);
  await until(async () => (await activations(stack)) === 1);
  assert.equal(await activations(stack), 1);
  for (const event of ['freeze', 'uninstall']) {
    const told = await fetch(`${stack.sandboxUrl}/__sandbox/altegio/marketplace/lifecycle`, { method: 'POST', body: JSON.stringify({ salon_id: 400001, event }) });
    assert.equal((await told.json()).relay_status, 200);
    const replayed = await open(link);
    assert.equal(replayed.status, 200);
    assert.match(replayed.text, /frozen or removed in the Altegio Marketplace/);
    assert.notEqual(stateOf(stack, 400001), 'active', event);
    assert.equal(await activations(stack), 1);
  }
  // Installed again in the Marketplace: Altegio reports it, and the location is activated again.
  assert.equal((await open(await linkFor(stack, { salon_ids: [400001] }))).status, 200);
  await until(async () => stateOf(stack, 400001) === 'active');
  assert.equal(stateOf(stack, 400001), 'active');
  assert.equal(await activations(stack), 2);
});

test('signed user data that names its locations cannot be carried to another location', async (t) => {
  const stack = await startStack({ setUp: 'none' });
  t.after(() => stack.stop());
  const user = { id: 7001, name: 'Ирина', email: 'irina@bella.example', salon_ids: [400001] };
  const link = await linkFor(stack, { salon_ids: [400001], user });
  const moved = link.replace('salon_id=400001', 'salon_id=400002');
  assert.notEqual(moved, link);
  assert.equal((await open(moved)).status, 403);
  assert.equal(stateOf(stack, 400002), '');
  assert.equal(sql(stack, 'SELECT count(*) FROM marketplace_users WHERE altegio_user_id = 7001'), '0');
  assert.equal((await open(link)).status, 200);
  await until(async () => stateOf(stack, 400001) === 'active');
  assert.equal(stateOf(stack, 400001), 'active');
});

test('a Marketplace link naming more than 50 locations is refused, and one address gets 5 links a minute', async (t) => {
  const stack = await startStack({ setUp: 'none' });
  t.after(() => stack.stop());
  const many = Array.from({ length: 51 }, (_, i) => 500001 + i);
  const refused = await open(await linkFor(stack, { salon_ids: many }));
  assert.equal(refused.status, 400);
  assert.match(refused.text, /more locations than one connection may activate \(50\)/);
  assert.equal(stateOf(stack, 500001), '');
  assert.equal(await activations(stack), 0);

  const link = await linkFor(stack, { salon_ids: [400001] });
  for (let i = 0; i < 4; ++i) assert.equal((await open(link)).status, 200);   // the refused one above counted too
  const slowed = await open(link);
  assert.equal(slowed.status, 429);
  assert.match(slowed.text, /Too many connection attempts/);
});

test('one address queues at most 50 locations a minute, and the page never waits on Altegio for them', async (t) => {
  const stack = await startStack({ setUp: 'none', relayEnv: { KB_MARKETPLACE_PAGE_WAIT_MS: '100' } });
  t.after(() => stack.stop());
  // Altegio answers the first activation late: the page answers first, and the activation thread finishes the work.
  await fetch(`${stack.sandboxUrl}/__sandbox/faults`, { method: 'POST',
    body: JSON.stringify({ target: 'altegio', path_contains: '/marketplace/partner/callback', status: 0, delay_ms: 1500, count: 1 }) });
  const first = [400001, 400002, ...Array.from({ length: 28 }, (_, i) => 500003 + i)];   // the sandbox's two, and 28 it does not know
  const second = Array.from({ length: 30 }, (_, i) => 500031 + i);
  const started = Date.now();
  const page = await open(await linkFor(stack, { salon_ids: first }));
  assert.equal(page.status, 200);
  assert.ok(Date.now() - started < 1500, 'the page did not wait for Altegio');
  assert.match(page.text, /Location 400001 is being activated in Altegio/);
  assert.equal((await open(await linkFor(stack, { salon_ids: second }))).status, 429, '60 locations within the minute');
  assert.equal(stateOf(stack, 500031), '');
  await until(async () => stateOf(stack, 400001) === 'active' && stateOf(stack, 400002) === 'active');
  assert.equal(stateOf(stack, 400001), 'active');
  assert.equal(stateOf(stack, 400002), 'active');
});

// The code the registration page shows for a location, or '' when it shows none.
const codeOn = (text, salon) => (text.match(new RegExp(`id="claim-code-${salon}"[^>]*>([A-Z0-9-]+)<`)) || [])[1] || '';
async function claim(account, body, user = 9001) {
  const answer = await fetch(`${account.relayUrl}/api/v1/settings/marketplace`, {
    method: 'POST', headers: { 'X-Auth-Token': await account.token(user), 'Content-Type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body) });
  const text = await answer.text();
  return { status: answer.status, text, key: (() => { try { return JSON.parse(text).error?.message_key; } catch { return undefined; } })() };
}

test('a Marketplace code is given only for signed user data, kept only as a hash, good once, and cannot be guessed or forced', async (t) => {
  const stack = await startStack({ secondAccount: true });
  t.after(() => stack.stop());
  const first = { relayUrl: stack.relayUrl, token: stack.token };
  const second = { relayUrl: stack.relayUrl, token: stack.second.token };
  // No user data: anyone can open such a link, so it gives no code.
  assert.equal(codeOn((await open(await linkFor(stack, { salon_ids: [400001] }))).text, 400001), '');
  const user = { id: 7001, name: 'Ирина', email: 'irina@bella.example', crm_token: 'sandbox-crm-token' };
  const page = await open(await linkFor(stack, { salon_ids: [400002], user }));
  const code = codeOn(page.text, 400002);
  assert.match(code, /^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
  const stored = sql(stack, 'SELECT claim_code_hash || crm_token_sealed FROM marketplace_locations WHERE salon_id = 400002');
  assert.ok(!stored.includes(code.slice(0, 4)) && !stored.includes('sandbox-crm-token'), 'neither the code nor the token is kept readable');

  // Hostile bodies: refused with a reason the widget shows in the user's language, nothing spent.
  for (const body of [{ code: 'A'.repeat(100000) }, { code: `${code}\u0000` }, { code: 'АБВГ-ДЕЖЗ-ИЙКЛ' }, { code: 12 }, { code: [code] },
                      { code, telephony: 'yes' }, {}])
    assert.equal((await claim(first, body)).key, 'ui.error.claim_code_invalid', JSON.stringify(body).slice(0, 40));
  assert.equal((await claim(first, '{"code":')).status, 400);
  assert.equal((await claim(first, { code }, 9002)).status, 403, 'a manager cannot connect a location');

  // Guessing: ten wrong codes in ten minutes, then the account is told to wait, even with the right one.
  for (let i = 0; i < 10; ++i) assert.equal((await claim(second, { code: `ABCD-EFGH-JK${'23456789AB'[i]}M` })).status, 404);
  const slowed = await claim(second, { code });
  assert.equal(slowed.status, 429);
  assert.equal(slowed.key, 'ui.error.claim_slow_down');

  const claimed = await claim(first, { code, telephony: true });
  assert.equal(claimed.status, 200, claimed.text);
  assert.equal(JSON.parse(claimed.text).telephony, 'enabled');
  assert.equal((await claim(first, { code })).key, 'ui.error.claim_code_unknown', 'a code is good once');
  assert.equal(sql(stack, 'SELECT count(*) FROM marketplace_claims'), '1');
});
