// Kommo's install redirect (/oauth/kommo) as an attacker would forge it. The relay exchanges the code with the
// integration's client secret at the referer's host, so only a Kommo account host may be that host; the account
// Kommo answers for must be the referer's; and the page shows only escaped text in the administrator's language.
// Then the installation's lifecycle against replayed calls: the revoke hook, a second redirect, the install state.
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer } from 'node:net';
import { startStack } from '../../tools/stack.mjs';
import { sql } from './stack_calls.mjs';

// A listener on loopback that counts the connections made to it: where a forged referer would send the secret.
function trap() {
  return new Promise((resolve) => {
    const server = createServer((socket) => { server.connections += 1; socket.destroy(); });
    server.connections = 0;
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

test('production relay: a referer that is not a Kommo account host is refused before anything is sent', async (t) => {
  // As in production: no API address override, so the relay would contact the referer's host itself.
  const stack = await startStack({ setUp: 'none', relayEnv: { KB_KOMMO_API_BASE_URL: '' } });
  t.after(() => stack.stop());
  const listener = await trap();
  t.after(() => listener.close());
  const port = listener.address().port;
  const forged = [`127.0.0.1:${port}`, `localhost:${port}`, `2130706433:${port}`, `bellastudio.kommo.com:${port}`,
                  `bellastudio.kommo.com@127.0.0.1:${port}`, `127.0.0.1:${port}/x.kommo.com`, `bellastudio.kommo.com.127.0.0.1.nip.io`,
                  'evil.example', '.kommo.com', '-x.kommo.com', 'a.b.kommo.com', 'kommo.com', ''];
  for (const referer of forged) {
    const page = await fetch(`${stack.relayUrl}/oauth/kommo?code=abc&state=x&referer=${encodeURIComponent(referer)}`);
    assert.equal(page.status, 400, referer);
    const html = await page.text();
    assert.match(html, /not come from a Kommo account/, referer);
    assert.ok(!html.includes(String(port)), 'the page does not echo the referer');
  }
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(listener.connections, 0, 'the relay never connected to the forged host');
  assert.equal((await stack.state()).kommo.installs, 0, 'nothing was installed');
});

let stack;
before(async () => { stack = await startStack({ setUp: 'none' }); });
after(() => stack && stack.stop());

const install = async (query = '') => (await fetch(`${stack.sandboxUrl}/__sandbox/kommo/install${query}`, { method: 'POST' })).json();

test('a redirect whose account is not the referer\'s is refused, and nothing is stored', async () => {
  const answer = await install('?referer=someoneelse.kommo.com');
  assert.equal(answer.relay_status, 403);
  assert.match(answer.relay_body, /a different account/);
  const status = await fetch(`${stack.relayUrl}/api/v1/status`, {
    headers: { 'X-Auth-Token': await stack.token() },
  });
  assert.equal((await status.json()).installed, false);
});

test("the install page speaks the administrator's language and escapes what it shows", async () => {
  const ru = await fetch(`${stack.relayUrl}/oauth/kommo?code=abc&referer=${encodeURIComponent('<script>alert(1)</script>.kommo.com')}`,
                         { headers: { 'Accept-Language': 'ru-RU,ru;q=0.9' } });
  assert.equal(ru.status, 400);
  assert.equal(ru.headers.get('content-type'), 'text/html; charset=utf-8');
  assert.equal(ru.headers.get('x-content-type-options'), 'nosniff');
  const html = await ru.text();
  assert.match(html, /<html lang="ru">/);
  assert.match(html, /Эта ссылка пришла не из аккаунта Kommo/);
  assert.ok(!html.includes('<script>'));
  const es = await (await fetch(`${stack.relayUrl}/oauth/kommo?referer=x&lang=es`)).text();
  assert.match(es, /<html lang="es">/);
  const pt = await (await fetch(`${stack.relayUrl}/oauth/kommo?referer=x`, { headers: { 'Accept-Language': 'pt-BR,pt;q=0.9' } })).text();
  assert.match(pt, /<html lang="pt">/);
  assert.match(pt, /Este link não veio de uma conta da Kommo/);

  const answer = await install();
  assert.equal(answer.relay_status, 200, answer.relay_body);
  assert.match(answer.relay_body, /installed in the Kommo account bellastudio/);
});

// [SECTION] the installation's lifecycle against forged or replayed calls from Kommo's side: the revoke hook, whose
// signature never changes for an account; the install redirect, which must not move an installed account; and the
// state an install started from the relay's own button carries.

const installed = async (own) => (await (await fetch(`${own.relayUrl}/api/v1/status`, { headers: { 'X-Auth-Token': await own.token() } })).json()).installed;
const installWith = async (own, query = '') => (await fetch(`${own.sandboxUrl}/__sandbox/kommo/install${query}`, { method: 'POST' })).json();
const hex = (text, secret) => createHmac('sha256', secret).update(text).digest('hex');

test('a revoke hook replayed after a reinstall removes nothing while Kommo still grants access', async (t) => {
  const own = await startStack({ setUp: 'installed' });
  t.after(() => own.stop());
  const hook = `${own.relayUrl}/oauth/kommo/revoked?account_id=31000001&client_uuid=sandbox-client-id&signature=${hex('sandbox-client-id|31000001', own.clientSecret)}`;
  // While the integration is installed, a correctly signed hook is not enough: Kommo still opens the account.
  assert.equal((await fetch(hook)).status, 409);
  assert.equal(await installed(own), true);
  assert.equal((await fetch(`${own.sandboxUrl}/__sandbox/kommo/uninstall`, { method: 'POST' })).status, 200);   // Kommo revokes, then calls the hook
  assert.equal(await installed(own), false);
  assert.equal((await installWith(own)).relay_status, 200);
  assert.equal((await fetch(hook)).status, 409, 'the same hook, replayed');
  assert.equal(await installed(own), true);
  assert.equal((await fetch(`${own.relayUrl}/api/v1/settings`, { headers: { 'X-Auth-Token': await own.token() } })).status, 200, 'the reinstalled account works');
});

test('an install redirect never repoints an installed account to another API address', async (t) => {
  const own = await startStack({ setUp: 'installed' });
  t.after(() => own.stop());
  // As installed in production (the stack points the relay at the sandbox's Kommo): the address Kommo gave.
  sql(own, "UPDATE installations SET api_base_url = 'https://bellastudio.kommo.com' WHERE account_id = 31000001");
  const sealed = sql(own, 'SELECT access_token_sealed FROM installations WHERE account_id = 31000001');
  const again = await installWith(own);
  assert.equal(again.relay_status, 403, again.relay_body);
  assert.equal(sql(own, 'SELECT api_base_url FROM installations WHERE account_id = 31000001'), 'https://bellastudio.kommo.com');
  assert.equal(sql(own, 'SELECT access_token_sealed FROM installations WHERE account_id = 31000001'), sealed, 'its tokens are kept');
});

// A state as /oauth/kommo/start makes one, signed with the integration's secret, expiring at `expires` (seconds).
const signedState = (secret, nonce, expires) => {
  const part = `kb1.${nonce}.${expires}`;
  return `${part}.${hex(part, secret)}`;
};

test("an install started from the relay's button must bring back its state, once and in time", async (t) => {
  const own = await startStack({ setUp: 'none' });
  t.after(() => own.stop());
  const start = await fetch(`${own.relayUrl}/oauth/kommo/start`, { redirect: 'manual' });
  assert.equal(start.status, 302);
  const location = start.headers.get('location');
  assert.ok(location.startsWith('https://www.kommo.com/oauth?client_id=sandbox-client-id&state=kb1.'), location);
  const state = new URL(location).searchParams.get('state');
  const withState = async (value) => (await installWith(own, `?state=${encodeURIComponent(value)}`)).relay_status;

  const at = state.lastIndexOf('.') - 1;   // another expiry, the same signature
  const tampered = state.slice(0, at) + (state[at] === '9' ? '8' : '9') + state.slice(at + 1);
  assert.equal(await withState(tampered), 403);
  assert.equal(await withState(signedState(own.clientSecret, 'old', Math.floor(Date.now() / 1000) - 1)), 403, 'expired');
  assert.equal(await installed(own), false);
  assert.equal(await withState(state), 200);
  assert.equal(await withState(state), 403, 'a link used once cannot install again');
  // Installs that Kommo itself starts (marketplace, widget list) carry a state of Kommo's, which passes.
  assert.equal(await withState('kommo-own-state'), 200);
});

test('with KB_KOMMO_REQUIRE_STATE a redirect without the relay\'s state installs nothing', async (t) => {
  const own = await startStack({ setUp: 'none', relayEnv: { KB_KOMMO_REQUIRE_STATE: '1' } });
  t.after(() => own.stop());
  assert.equal((await installWith(own, '?state=kommo-own-state')).relay_status, 403);
  assert.equal(await installed(own), false);
  const fresh = signedState(own.clientSecret, 'fresh', Math.floor(Date.now() / 1000) + 600);
  assert.equal((await installWith(own, `?state=${encodeURIComponent(fresh)}`)).relay_status, 200);
  assert.equal(await installed(own), true);
});
