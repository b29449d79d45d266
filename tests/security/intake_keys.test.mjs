// Every intake address has its own key (relay/hooks/intake_keys.hpp): a key taken from one address, one account, one
// chain, one location or the database posts to no other, and whatever is refused leaves nothing in the inbox.
// Against the relay and sandbox processes, over loopback; the database read with sqlite3 as a thief would.
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../../tools/stack.mjs';
import { inboxTotal, sql } from './stack_calls.mjs';

let stack;
before(async () => { stack = await startStack(); });
after(() => stack && stack.stop());

const api = async (own, method, path, body, user) => {
  const answer = await fetch(`${own.relayUrl}${path}`, { method, headers: { 'X-Auth-Token': await own.token(user), 'Content-Type': 'application/json' },
                                                        body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: answer.status, body: await answer.json() };
};
const post = async (url, body, type = 'application/x-www-form-urlencoded') =>
  (await fetch(url, { method: 'POST', headers: { 'Content-Type': type }, body })).status;
// The key in an address: the segment after "/hooks/<intake>/", "/tracking/" or "/telephony/".
const keyOf = (url) => url.match(/\/(?:hooks\/(?:altegio|kommo-dp|kommo)|tracking|telephony)\/([^/]+)/)[1];
// Each intake's address of the stack's account, as its administrator and Altegio and Kommo see them.
async function addresses(own) {
  const state = await own.state();
  const dp = await api(own, 'GET', '/api/v1/settings/dp');
  const settings = await api(own, 'GET', '/api/v1/settings');
  return {
    altegio: state.altegio.hook_urls['400001'][0],
    kommo: state.kommo.webhooks[0].destination,
    kommo_dp: `${own.relayUrl}/hooks/kommo-dp/${dp.body.intake_key}`,
    tracking: settings.body.tracking_url,
  };
}
const at = (own, intake, key) => ({
  altegio: `${own.relayUrl}/hooks/altegio/${key}`, kommo: `${own.relayUrl}/hooks/kommo/${key}`, kommo_dp: `${own.relayUrl}/hooks/kommo-dp/${key}`,
  tracking: `${own.relayUrl}/tracking/${key}/leads`, telephony: `${own.relayUrl}/telephony/${key}/calls`,
})[intake];

// What each intake accepts as a well-formed post that stores something.
const bodies = {
  altegio: JSON.stringify({ company_id: 400001, resource: 'record', resource_id: 596792978, status: 'update',
                            data: { id: 596792978, company_id: 400001, attendance: 1, last_change_date: '2026-12-01T10:00:00+0300' } }),
  kommo: 'leads%5Bstatus%5D%5B0%5D%5Bid%5D=21003&leads%5Bstatus%5D%5B0%5D%5Bstatus_id%5D=77005' +
         '&leads%5Bstatus%5D%5B0%5D%5Bpipeline_id%5D=7700001&leads%5Bstatus%5D%5B0%5D%5Blast_modified%5D=1763900000&account%5Bid%5D=31000001',
  kommo_dp: 'event[type]=14&event[type_code]=lead_status_changed&event[data][id]=21003&event[data][status_id]=77005' +
            '&event[data][pipeline_id]=7700001&event[time]=1763900000&account_id=31000001',
  tracking: JSON.stringify({ lead_id: 'x1', type: 'form' }),
};

test('each intake address has its own key; a key for one posts to no other address and no other account', async () => {
  const own = await addresses(stack);
  const intakes = Object.keys(own);
  assert.equal(new Set(intakes.map((i) => keyOf(own[i]))).size, 4);
  const before = await inboxTotal(stack);
  for (const from of intakes)
    for (const to of intakes)
      if (from !== to) assert.equal(await post(at(stack, to, keyOf(own[from])), bodies[to]), 404, `a key of ${from} was taken by ${to}`);
  // The tag of this account's key under another account's id.
  const key = keyOf(own.altegio);
  assert.equal(await post(at(stack, 'altegio', `31000002${key.slice(key.indexOf('.'))}`), bodies.altegio, 'application/json'), 404);
  assert.equal(await inboxTotal(stack), before);
  // Each key works where it belongs.
  assert.equal(await post(own.altegio, bodies.altegio, 'application/json'), 200);
  assert.equal(await post(own.kommo, bodies.kommo), 200);
  assert.equal(await post(own.kommo_dp, bodies.kommo_dp), 200);
  assert.equal(await inboxTotal(stack), before + 3);
});

test("what the database holds is no key: the account's seed and a chain's key post to nothing", async () => {
  const own = await addresses(stack);
  const seed = sql(stack, 'SELECT webhook_key FROM installations');
  assert.ok(seed.length > 0);
  const before = await inboxTotal(stack);
  for (const intake of Object.keys(own)) {
    assert.ok(!own[intake].includes(seed), intake);
    assert.equal(await post(at(stack, intake, seed), bodies.altegio, 'application/json'), 404, intake);
    assert.equal(await post(at(stack, intake, `31000001.${seed}`), bodies.altegio, 'application/json'), 404, intake);
  }
  const saved = await api(stack, 'PUT', '/api/v1/telephony/chains', { key: '', name: 'Bella Studio', crm_token: 'sandbox-crm-token',
                                                                    numbers: ['+7 495 100-20-30'], new_lead_for_unknown: false });
  assert.equal(saved.status, 200, JSON.stringify(saved.body));
  const chain = saved.body.page.chains[0];
  assert.equal(sql(stack, 'SELECT chain_key FROM telephony_chains'), chain.key);
  const call = JSON.stringify({ call_id: 'pbx-1', state: 'ringing', direction: 'incoming', from: '+79991234567', to: '+7 495 100-20-30' });
  assert.equal(await post(at(stack, 'telephony', chain.key), call, 'application/json'), 404);
  const altegioTag = keyOf(own.altegio).slice(8);   // ".<tag>" after the account id
  assert.equal(await post(at(stack, 'telephony', chain.key + altegioTag), call, 'application/json'), 404);
  assert.equal(await inboxTotal(stack), before);
  assert.equal(await post(chain.calls_url, call, 'application/json'), 200);
  assert.equal(await inboxTotal(stack), before + 1);
});

// Kommo posts every account's Digital Pipeline triggers to manifest.json's one address; the trigger's settings carry
// the account's key (the widget's dpSettings puts it there), and only that key opens the door.
test("the Digital Pipeline's one address takes a trigger only with this account's key in its settings", async () => {
  const own = await addresses(stack);
  const key = keyOf(own.kommo_dp);
  const door = `${stack.relayUrl}/hooks/kommo-dp`;
  const withKey = (k) => `${bodies.kommo_dp.replace('1763900000', '1763900100')}&action[settings][widget][settings][altegio_action]=confirm` +
                         `&action[settings][widget][settings][intake_key]=${k}`;
  const before = await inboxTotal(stack);
  assert.equal(await post(door, bodies.kommo_dp), 404, 'no key');
  assert.equal(await post(door, withKey('')), 404);
  assert.equal(await post(door, withKey(keyOf(own.kommo))), 404, "the account's Kommo webhook key");
  assert.equal(await post(door, withKey(`31000002${key.slice(key.indexOf('.'))}`)), 404, 'another account');
  assert.equal(await inboxTotal(stack), before);
  assert.equal(await post(door, withKey(key)), 200);
  assert.equal(await inboxTotal(stack), before + 1);
  // The key is not kept with the trigger: not in the inbox, not in the request history.
  assert.ok(!sql(stack, 'SELECT group_concat(body) FROM inbox').includes(key));
  assert.ok(!sql(stack, 'SELECT group_concat(request_body) FROM request_history').includes(key));
  // An administrator's call only: a manager's token gets no key.
  assert.equal((await api(stack, 'GET', '/api/v1/settings/dp', undefined, 9002)).status, 403);
});

test("a Marketplace location's key is derived, so the database holds none; one location's key posts to no other", async () => {
  for (const salon of [400001, 400002]) {
    const made = await (await fetch(`${stack.sandboxUrl}/__sandbox/altegio/marketplace/redirect`, { method: 'POST', body: JSON.stringify({ salon_ids: [salon] }) })).json();
    assert.equal((await fetch(made.url)).status, 200);
  }
  let activations = [];
  for (let i = 0; i < 100 && activations.length < 2; ++i, await new Promise((r) => setTimeout(r, 100)))
    activations = (await stack.state()).altegio.marketplace_activations;   // the relay activates them in the background
  assert.equal(activations.length, 2);
  const [first, second] = activations.map((a) => a.webhook_urls[0]);
  const key = first.slice(first.lastIndexOf('/') + 1);
  assert.equal(activations[0].api_key, key, 'Altegio is given the address\'s key');
  assert.ok(key.startsWith('400001.'));
  const stored = sql(stack, 'SELECT api_key_sealed FROM marketplace_locations WHERE salon_id = 400001');
  assert.ok(stored.length > 0 && !stored.includes(key) && !stored.includes(key.slice(key.indexOf('.') + 1)), 'what the database holds is no key');
  const location = (k) => `${stack.relayUrl}/hooks/altegio-location/400001/${k}`;
  assert.equal(await post(location(stored), bodies.altegio, 'application/json'), 404);
  assert.equal(await post(location(second.slice(second.lastIndexOf('/') + 1)), bodies.altegio, 'application/json'), 404, "400002's key");
  assert.equal(await post(first, bodies.altegio, 'application/json'), 200);
});

test('a relay upgraded from one key per account takes the old addresses only when told to', async (t) => {
  const own = await startStack({ relayEnv: { KB_LEGACY_WEBHOOK_KEYS: '1' } });
  t.after(() => own.stop());
  const seed = sql(own, 'SELECT webhook_key FROM installations');
  const before = await inboxTotal(own);
  assert.equal(await post(at(own, 'altegio', seed), bodies.altegio, 'application/json'), 200);
  assert.equal(await post((await own.state()).altegio.hook_urls['400001'][0], bodies.altegio, 'application/json'), 200);
  assert.equal(await inboxTotal(own), before + 1, 'the same change through both addresses is stored once');
});

// A location an earlier version saved holds its key itself, sealed in the database under the relay's master key:
// this row is one such version wrote (the key "legacy-key-0123456789abcdefghij" sealed with libsodium's secretbox
// under the master key below), as an upgraded relay finds it.
const legacyMasterKey = '4c65676163792d6c6f636174696f6e2d746573742d6d61737465722d6b657921';
const legacyKey = 'legacy-key-0123456789abcdefghij';
const legacySealed = 'HjzgQjGvbQbIr9XCv_4rTqBQyU3bWeEZ-fNjQ3Vu2to298UiZeeyU-oIEk9JCV4Gh0AIAVCO56fg1ERtN2hlUZcstRG5Lag';

test('a location an earlier version saved keeps its stored key, and only that key, until it connects again', async (t) => {
  const own = await startStack({ relayEnv: { KB_MASTER_KEY: legacyMasterKey } });
  t.after(() => own.stop());
  const now = Date.now();
  sql(own, `INSERT INTO marketplace_locations (salon_id, state, api_key_sealed, redirected_at_ms, updated_at_ms)
            VALUES (400001, 'late', '${legacySealed}', ${now - 86400000}, ${now - 86400000})`);
  const address = (key) => `${own.relayUrl}/hooks/altegio-location/400001/${key}`;
  const before = await inboxTotal(own);
  assert.equal(await post(address(legacyKey), bodies.altegio, 'application/json'), 200, 'the old address keeps working');
  assert.equal(await inboxTotal(own), before + 1);
  assert.equal(await post(address(legacyKey.slice(0, -1) + 'X'), bodies.altegio, 'application/json'), 404, 'a key one letter off');
  assert.equal(await post(address(legacySealed), bodies.altegio, 'application/json'), 404, 'what the database holds');
  // Its activation ran late; connected again through the Marketplace, it gets a derived key and the old one stops working.
  const made = await (await fetch(`${own.sandboxUrl}/__sandbox/altegio/marketplace/redirect`, { method: 'POST', body: JSON.stringify({ salon_ids: [400001] }) })).json();
  assert.equal((await fetch(made.url)).status, 200);
  let activation;
  for (let i = 0; i < 100 && !activation; ++i, await new Promise((r) => setTimeout(r, 100)))
    activation = (await own.state()).altegio.marketplace_activations.find((a) => a.salon_id === 400001);
  assert.ok(activation, 'the relay activated the location again');
  assert.ok(activation.api_key.startsWith('400001.'));
  assert.equal(await post(address(legacyKey), bodies.altegio, 'application/json'), 404, 'the old key is retired');
  assert.equal(await post(address(activation.api_key), bodies.altegio, 'application/json'), 200, 'the new one works');
});
