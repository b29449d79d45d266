// Kommo's install redirect (/oauth/kommo) as an attacker would forge it. The relay exchanges the code with the
// integration's client secret at the referer's host, so only a Kommo account host may be that host; the account
// Kommo answers for must be the referer's; and the page shows only escaped text in the administrator's language.
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { startStack } from '../../tools/stack.mjs';

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
    headers: { 'X-Auth-Token': (await (await fetch(`${stack.sandboxUrl}/__sandbox/kommo/disposable_token?user_id=9001`)).json()).token },
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
