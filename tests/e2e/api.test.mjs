// Relay + sandbox as separate processes over loopback: the widget API's trust rules, Kommo token refresh, a graceful
// stop, the Altegio Marketplace's registration page, and a telephony chain's calls from its PBX.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { startStack } from '../../tools/stack.mjs';

let stack;
before(async () => { stack = await startStack(); });
after(() => stack?.stop());

const base64url = (text) => Buffer.from(text).toString('base64url');
function sign(claims, secret) {
  const input = `${base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${base64url(JSON.stringify(claims))}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}
function claims(overrides = {}) {
  const now = Math.floor(Date.now() / 1000);
  return { iss: 'https://bellastudio.kommo.com', aud: stack.relayUrl, jti: randomUUID(), iat: now, nbf: now, exp: now + 1800,
           account_id: 31000001, subdomain: 'bellastudio', client_uuid: 'sandbox-client-id', user_id: 9001, is_admin: true, ...overrides };
}
// The relay's inbox by state, from its metrics.
async function inboxCounts() {
  const text = await (await fetch(`${stack.relayUrl}/metrics`)).text();
  const of = (state) => Number((text.match(new RegExp(`kb_inbox_events\\{state="${state}"\\} (\\d+)`)) || [])[1] || 0);
  return { processing: of('processing'), done: of('done'), pending: of('pending') };
}
// Polls `check` until it holds; the limit is generous, for a 2-core machine busy with other tests.
async function waitUntil(check, what, timeoutMs = 60000) {
  for (const started = Date.now(); !(await check());) {
    assert.ok(Date.now() - started < timeoutMs, `${what} within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
// The inbox rows of one Altegio record (not those the reconciler read), from the relay's SQLite file.
function recordEvents(recordId) {
  const text = execFileSync('sqlite3', ['-json', stack.databasePath,
    `SELECT state, attempts FROM inbox WHERE resource = 'record' AND resource_id = ${Number(recordId)} AND source != 'reconciler'`]).toString();
  return JSON.parse(text || '[]');
}
const card = (token) => fetch(`${stack.relayUrl}/api/v1/card?lead_id=21001`, { headers: token ? { 'X-Auth-Token': token } : {} });

test('a valid disposable token opens the card; missing, forged and expired ones get 401 with a message key', async () => {
  assert.equal((await card(sign(claims(), stack.clientSecret))).status, 200);
  for (const token of [undefined, 'garbage', sign(claims(), 'not-the-secret')]) {
    const reply = await card(token);
    assert.equal(reply.status, 401);
    assert.equal((await reply.json()).error.message_key, 'ui.error.unauthorized');
  }
  const now = Math.floor(Date.now() / 1000);
  const expired = await card(sign(claims({ iat: now - 4000, nbf: now - 4000, exp: now - 2000 }), stack.clientSecret));
  assert.equal(expired.status, 401);
  assert.equal((await expired.json()).error.message_key, 'ui.error.session_expired');
});

test('CORS: the preflight answers the Kommo origin and refuses a stranger', async () => {
  const ask = (origin) => fetch(`${stack.relayUrl}/api/v1/card`, {
    method: 'OPTIONS', headers: { Origin: origin, 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'x-auth-token' },
  });
  const kommo = await ask('https://bellastudio.kommo.com');
  assert.equal(kommo.status, 204);
  assert.equal(kommo.headers.get('access-control-allow-origin'), 'https://bellastudio.kommo.com');
  assert.match(kommo.headers.get('access-control-allow-headers'), /X-Auth-Token/i);
  const stranger = await ask('https://evil.example');
  assert.equal(stranger.status, 403);
  assert.equal(stranger.headers.get('access-control-allow-origin'), null);
});

test('an expired Kommo access token is refreshed once and the call succeeds', async () => {
  const before = (await stack.state()).kommo.refreshes;
  assert.equal((await fetch(`${stack.sandboxUrl}/__sandbox/kommo/expire_access_tokens`, { method: 'POST' })).status, 200);
  const replies = await Promise.all([1, 2, 3, 4].map(() => card(sign(claims(), stack.clientSecret))));
  for (const reply of replies) assert.equal(reply.status, 200);
  assert.equal((await stack.state()).kommo.refreshes, before + 1);
});

// systemctl stop sends SIGTERM: the relay stops taking requests, lets its workers finish the events they hold
// (here: while Kommo answers slowly) and exits 0, leaving nothing "processing" for the next start to take back.
test('the Marketplace redirect opens a page that registers the user and activates both locations', async () => {
  const made = await fetch(`${stack.sandboxUrl}/__sandbox/altegio/marketplace/redirect`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ salon_ids: [400001, 400002], user: { id: 7002, name: 'Marta Ruiz', email: 'marta@bella.example', phone: '+34611222333' } }),
  });
  const { url } = await made.json();
  const page = await fetch(url, { headers: { 'Accept-Language': 'es-ES,es;q=0.9' } });
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-type'), /^text\/html/);
  const html = await page.text();
  assert.match(html, /Bienvenido, Marta Ruiz/);
  assert.match(html, /La sucursal 400001 está conectada/);
  assert.match(html, /La sucursal 400002 está conectada/);
  const state = await (await fetch(`${stack.sandboxUrl}/__sandbox/state`)).json();
  assert.deepEqual(state.altegio.marketplace_activations.map((a) => a.salon_id), [400001, 400002]);
});

test('telephony over loopback: a chain enabled by its admin; missed, repeated, reversed and unlisted calls each end as they should', async () => {
  const admin = (method, path, body) => fetch(`${stack.relayUrl}${path}`, {
    method, headers: { 'X-Auth-Token': sign(claims(), stack.clientSecret), 'Content-Type': 'application/json' },
    body: body ? JSON.stringify(body) : undefined,
  });
  const saved = await admin('PUT', '/api/v1/telephony/chains',
                            { key: '', name: 'Bella Studio', crm_token: 'sandbox-crm-token', numbers: ['+7 495 100-20-30'], new_lead_for_unknown: false });
  assert.equal(saved.status, 200);
  const [chain] = (await saved.json()).page.chains;
  assert.equal(chain.enabled, true);
  const call = (body) => fetch(`${stack.sandboxUrl}/__sandbox/pbx/call`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ url: chain.calls_url, direction: 'incoming', to: '+7 495 100-20-30', ...body }),
  });
  assert.equal((await call({ call_id: 'lb-1', from: '8 (916) 555-44-33', answered: false })).status, 200);              // missed
  assert.equal((await call({ call_id: 'lb-2', from: '+79991234567', duration: 20, order: 'twice' })).status, 200);       // repeated
  assert.equal((await call({ call_id: 'lb-3', from: '+79991234567', duration: 30, order: 'reversed' })).status, 200);    // reversed
  assert.equal((await call({ call_id: 'lb-4', from: '+79991234567', to: '+7 495 999-99-99' })).status, 200);             // not listed
  // Settled: every call event stored and worked through (each call's events in order; different calls in parallel).
  await waitUntil(async () => { const c = await inboxCounts(); return c.pending + c.processing === 0; }, 'the call events worked through');
  const byId = (a, b) => String(a[0]).localeCompare(String(b[0])) || String(a[1]).localeCompare(String(b[1]));
  const calls = (await stack.state()).altegio.voip.calls;
  assert.deepEqual(calls.map((c) => [c.call_id, c.status]).sort(byId), [['lb-1', 'missed'], ['lb-2', 'success'], ['lb-3', 'success']]);
  const state = await stack.state();
  assert.deepEqual(state.altegio.voip.popups.map((p) => p.phone).sort(), ['79165554433', '79991234567']);   // lb-3 rang after it ended
  const notes = state.kommo.notes.filter((n) => n.note_type === 'call_in').map((n) => [n.params.uniq, n.entity_id]);
  assert.deepEqual(notes.sort(byId), [['lb-1', 21004], ['lb-2', 21001], ['lb-3', 21001]]);
  const bad = await fetch(chain.calls_url, { method: 'POST', body: '{"call_id":"x"}' });
  assert.equal(bad.status, 400);
  assert.equal((await bad.json()).error.message_key, 'ui.error.bad_webhook');
});

test('lead tracking over loopback: fields made on save, a tagged deal at once, late attribution, a search that outlives a restart, first touch wins', async () => {
  const admin = (method, path, body) => fetch(`${stack.relayUrl}${path}`, {
    method, headers: { 'X-Auth-Token': sign(claims(), stack.clientSecret), 'Content-Type': 'application/json' },
    body: body ? JSON.stringify(body) : undefined,
  });
  // The same modes for each lead type (form, phone, chat, offline).
  const everyType = (modes) => Object.fromEntries(['form', 'phone', 'chat', 'offline'].map((type) => [type, modes]));
  const saveTracking = async (tracking) => {
    const page = await (await admin('GET', '/api/v1/settings')).json();
    const saved = await admin('PUT', '/api/v1/settings', { base_revision: page.revision, settings: { ...page.settings, tracking: { ...page.settings.tracking, ...tracking } } });
    assert.equal(saved.status, 200, await saved.clone().text());
    return (await admin('GET', '/api/v1/settings')).json();
  };
  const page = await saveTracking({ enabled: true, modes: everyType({ deal: 'create', contact: 'create', company: 'off' }), fields: { source: -1, campaign: -1 } });
  const { source, campaign } = page.settings.tracking.fields;
  assert.ok(source > 0 && campaign > 0, 'saving made the two deal fields');
  const post = (body) => fetch(page.tracking_url, { method: 'POST', body: JSON.stringify(body) });
  const valueOf = (lead, field) => (lead?.custom_fields_values || []).find((f) => f.field_id === field)?.values[0].value;
  const until = async (find, what) => {
    let found;
    await waitUntil(async () => (found = await find(await stack.state())), what);
    return found;
  };

  assert.equal((await post({ lead_id: 'lb-t1', type: 'form', project: 'Bella site', email: 'lb.new@example.com', name: 'Loop Back',
                             subject: 'Loopback form', source: 'google' })).status, 200);
  const deal = await until((s) => s.kommo.leads.find((l) => l.name === 'Loopback form'), 'the deal');
  assert.equal(valueOf(deal, source), 'google');
  assert.deepEqual(deal._embedded.tags.map((t) => t.name), ['Bella site']);
  assert.equal((await post({ lead_id: 'lb-t1', campaign: 'autumn' })).status, 200);   // attribution learnt later
  await until((s) => valueOf(s.kommo.leads.find((l) => l.id === deal.id), campaign) === 'autumn', 'the campaign on the deal');

  // Mode find: nothing is made; the search waits in the store through a restart and finds the deal a manager adds.
  await saveTracking({ modes: everyType({ deal: 'find', contact: 'find', company: 'off' }) });
  const leadsBefore = (await stack.state()).kommo.leads.length;
  assert.equal((await post({ lead_id: 'lb-t2', type: 'chat', email: 'lb.later@example.com', source: 'bing' })).status, 200);
  await new Promise((r) => setTimeout(r, 500));
  assert.equal((await stack.state()).kommo.leads.length, leadsBefore);
  await stack.killRelay('SIGTERM');
  await stack.startRelay(0);
  const made = await fetch(`${stack.sandboxUrl}/__sandbox/kommo/leads`, {
    method: 'POST', body: JSON.stringify({ name: 'Walk-in', contact: { name: 'Later', email: 'lb.later@example.com' } }) });
  assert.equal(made.status, 201);
  const { id } = await made.json();
  await until((s) => valueOf(s.kommo.leads.find((l) => l.id === id), source) === 'bing', 'the found deal updated');

  // First touch wins: a later lead of the same client finds the deal holding the first lead's GA client id, and leaves it.
  const withGa = await saveTracking({ fields: { source, campaign, ga_client_id: -1 } });
  const ga = withGa.settings.tracking.fields.ga_client_id;
  assert.equal((await post({ lead_id: 'lb-t3', type: 'form', email: 'lb.later@example.com', ga_client_id: 'GA1.2.3.3' })).status, 200);
  await until((s) => valueOf(s.kommo.leads.find((l) => l.id === id), ga) === 'GA1.2.3.3', 'the first touch\'s GA id');
  assert.equal((await post({ lead_id: 'lb-t4', type: 'form', email: 'lb.later@example.com', ga_client_id: 'GA1.2.4.4', source: 'other' })).status, 200);
  const skipped = await until(async () => {
    const history = await (await admin('GET', `/api/v1/history?from_ms=0&to_ms=${Date.now() + 60000}&types=tracking`)).json();
    return history.rows.find((r) => r.kind === 'tracking.ga_skipped');
  }, 'the skip in the request history');
  assert.match(skipped.error, /GA1\.2\.3\.3/);
  const kept = (await stack.state()).kommo.leads.find((l) => l.id === id);
  assert.equal(valueOf(kept, ga), 'GA1.2.3.3');
  assert.equal(valueOf(kept, source), 'bing');
  assert.equal((await fetch(`${stack.relayUrl}/tracking/not-a-key/leads`, { method: 'POST', body: '{}' })).status, 404);
});

test('SIGTERM lets the workers finish the events they hold, then the relay exits cleanly', async () => {
  const slow = await fetch(`${stack.sandboxUrl}/__sandbox/faults`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ target: 'kommo', status: 0, delay_ms: 1500, count: 3 }),
  });
  assert.equal(slow.status, 201);
  const record = await stack.staffCreates('2027-03-02T11:00:00+03:00', 'Pablo Ruiz', '+34 622 000 111');
  await waitUntil(() => recordEvents(record.id)[0]?.state === 'processing', 'a worker took the record\'s event');
  const asked = Date.now();
  const exit = await stack.killRelay('SIGTERM');
  assert.deepEqual(exit, { code: 0, signal: null }, 'the relay exited by itself, with 0');
  assert.ok(Date.now() - asked < 20000, 'and in good time');
  await stack.startRelay();
  assert.ok(!stack.relayLogs().some((line) => line.includes('interrupted by a stop')), 'no event was left half-done');
  // The record's event was finished by the worker that held it, before the exit: done, and never taken again.
  // (Other events may be under way meanwhile: the lead tracking test's searches run for minutes.)
  assert.deepEqual(recordEvents(record.id), [{ state: 'done', attempts: 1 }]);
});
