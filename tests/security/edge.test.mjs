// The relay's HTTP edge against requests made by hand, as an attacker sends them: no bytes of one request are ever
// read as another, every body is bounded before it is read whole, and what the routes cannot use is refused with
// a clear status and the relay's error shape (never a library's text).
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../../tools/stack.mjs';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { exchange, firstBody, statuses } from './raw_http.mjs';

let stack;
let token;   // for requests refused before the token is looked at; a call that reaches a route takes a fresh one
const fresh = () => stack.token();
before(async () => {
  stack = await startStack({ relayEnv: { KB_BODY_DEADLINE_SECONDS: '3', KB_HEAD_DEADLINE_SECONDS: '3' } });
  token = await fresh();
});
after(() => stack && stack.stop());

const head = (method, path, headers = {}) =>
  `${method} ${path} HTTP/1.1\r\nHost: relay.example\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`;

function assertRelayError(text, status) {
  assert.deepEqual(statuses(text).slice(0, 1), [status], text.slice(0, 300));
  const error = JSON.parse(firstBody(text)).error;
  assert.equal(typeof error.message_key, 'string', 'the widget can show it in the user language');
  assert.ok(error.message_key.startsWith('ui.error.'), error.message_key);
}

test('a GET carrying a body gets one answer and its connection closed: the body is never read as a request', async () => {
  const key = (await stack.state()).kommo.webhooks[0].destination.split('/').pop();
  // Past cpp-httplib's 4 KiB read buffer, a smuggled webhook POST that would swallow the next user's request.
  const smuggled = head('POST', `/hooks/kommo/${key}`, { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': 400 });
  const body = 'x'.repeat(4200) + smuggled;
  const victim = head('GET', '/api/v1/status', { 'X-Auth-Token': token });
  // All in one write, as a proxy would pass them on. The refusal may be lost to the reset the kernel sends when the
  // relay closes a connection with bytes still unread; what matters is that nothing after it is answered.
  const { text, closed } = await exchange(stack.relayUrl, head('GET', '/healthz', { 'Content-Length': body.length }) + body + victim);
  assert.ok(statuses(text).length <= 1 && statuses(text).every((s) => s === 400), text.slice(0, 300));
  if (statuses(text).length) assertRelayError(text, 400);
  assert.ok(closed, 'the connection is closed after the refusal');
  const history = await fetch(`${stack.relayUrl}/api/v1/history?type=kommo.webhook`, { headers: { 'X-Auth-Token': await fresh() } });
  assert.ok(!(await history.text()).includes(token), 'the next request never lands in the history');
});

test('a HEAD, OPTIONS or DELETE carrying a body is refused, and nothing after it on the connection is served', async () => {
  for (const method of ['HEAD', 'OPTIONS', 'DELETE']) {
    const inner = head('GET', '/healthz');
    const { text } = await exchange(stack.relayUrl, head(method, '/healthz', { 'Content-Length': inner.length }) + inner);
    assert.equal(statuses(text)[0], 400, `${method}: ${text.slice(0, 200)}`);
    assert.ok(!statuses(text).includes(200), `${method}: the body was answered as a request: ${text}`);
  }
});

test('a body declared over 1 MiB is refused with 413 before it is sent', async () => {
  const { text, closed } = await exchange(stack.relayUrl,
    head('POST', '/api/v1/records', { 'X-Auth-Token': token, 'Content-Type': 'application/json', 'Content-Length': 50 * 1024 * 1024 }));
  assertRelayError(text, 413);
  assert.ok(closed);
});

test('a body a little over 1 MiB is read to its end and answered 413, so the sender sees why', async () => {
  const body = 'a'.repeat(1536 * 1024);
  const { text, closed } = await exchange(stack.relayUrl,
    head('POST', '/api/v1/records', { 'X-Auth-Token': token, 'Content-Type': 'application/json', 'Content-Length': body.length }) + body);
  assertRelayError(text, 413);
  assert.ok(closed);
});

test('a chunked body is counted as it arrives: past 1 MiB it is refused with 413 and the connection closed', async () => {
  const chunk = 'a'.repeat(64 * 1024);
  const parts = [head('POST', '/api/v1/records', { 'X-Auth-Token': token, 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' })];
  for (let n = 0; n < 40; ++n) parts.push(`${chunk.length.toString(16)}\r\n${chunk}\r\n`);   // 2.5 MiB
  parts.push('0\r\n\r\n');
  const { text, closed } = await exchange(stack.relayUrl, parts);
  assertRelayError(text, 413);
  assert.ok(closed);
  assert.equal((await fetch(`${stack.relayUrl}/healthz`)).status, 200);
});

test('compressed, multipart and unframed bodies, and ambiguous lengths, are refused with a clear status', async () => {
  const json = '{"lead_id":21001}';
  const cases = [
    [415, { 'Content-Encoding': 'gzip', 'Content-Length': json.length }, json],
    [415, { 'Content-Type': 'multipart/form-data; boundary=x', 'Content-Length': json.length }, json],
    [411, {}, json],
    [400, { 'Content-Length': json.length, 'Transfer-Encoding': 'chunked' }, json],
    [400, { 'Content-Length': `${json.length}, ${json.length}` }, json],
    [400, { 'Content-Length': '+17' }, json],
    [501, { 'Transfer-Encoding': 'gzip, chunked' }, json],
  ];
  for (const [status, headers, body] of cases) {
    const { text, closed } = await exchange(stack.relayUrl, head('POST', '/api/v1/records', { 'X-Auth-Token': token, ...headers }) + body);
    assertRelayError(text, status);
    assert.ok(closed, `${JSON.stringify(headers)}: the connection is closed`);
  }
});

test("Kommo's form-encoded webhook of 200 KB (a mass stage change) is accepted", async () => {
  const destination = (await stack.state()).kommo.webhooks[0].destination;
  const fields = [];
  for (let n = 0; n < 850; ++n) {
    const p = `leads[status][${n}]`;
    fields.push(`${p}[id]=21003`, `${p}[status_id]=77005`, `${p}[old_status_id]=77003`, `${p}[pipeline_id]=7700001`,
                `${p}[last_modified]=${1763900000 + n}`);
  }
  fields.push('account[id]=31000001', 'account[subdomain]=bellastudio');
  const body = fields.map((f) => f.replace(/\[/g, '%5B').replace(/\]/g, '%5D')).join('&');
  assert.ok(body.length > 200 * 1024, `${body.length} bytes`);
  const answer = await fetch(destination, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body });
  assert.equal(answer.status, 200, await answer.text());
});

test('JSON nested 100,000 deep is refused with 400 and the relay keeps serving', async () => {
  const answer = await fetch(`${stack.relayUrl}/api/v1/records`, {
    method: 'POST', headers: { 'X-Auth-Token': await fresh(), 'Content-Type': 'application/json' }, body: '['.repeat(100000) + ']'.repeat(100000),
  });
  assert.equal(answer.status, 400);
  assert.ok((await answer.json()).error.message_key.startsWith('ui.error.'));
  assert.equal((await fetch(`${stack.relayUrl}/healthz`)).status, 200);
});

test('text that is not UTF-8, in the query or in the body, is refused with 400', async () => {
  const query = await fetch(`${stack.relayUrl}/api/v1/records?client=%FF%FE`, { headers: { 'X-Auth-Token': await fresh() } });
  assert.equal(query.status, 400);
  const body = await fetch(`${stack.relayUrl}/api/v1/records`, {
    method: 'POST', headers: { 'X-Auth-Token': await fresh(), 'Content-Type': 'application/json' },
    body: Buffer.from([0x7b, 0x22, 0x63, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]),   // {"c":"\xc3("}
  });
  assert.equal(body.status, 400);
  assert.equal((await body.json()).error.message_key, 'ui.error.bad_request');
});

test("what cpp-httplib answers by itself (an unknown method, a malformed request line) has the relay's error shape", async () => {
  const { text } = await exchange(stack.relayUrl, 'BREW /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
  const status = statuses(text)[0];
  assert.ok(status >= 400 && status < 500, text.slice(0, 200));
  assert.ok(JSON.parse(firstBody(text)).error.message_key.startsWith('ui.error.'), text);
});

test('a 60 KB Origin is matched without recursion: no CORS grant, and the relay keeps serving', async () => {
  const origin = `https://${'a'.repeat(60000)}.kommo.com`;
  const { text } = await exchange(stack.relayUrl, head('GET', '/healthz', { Origin: origin }));
  assert.ok(statuses(text).length === 1, text.slice(0, 200));
  assert.ok(!/access-control-allow-origin/i.test(text), 'no grant for a host that is not an account host');
  const kommo = await fetch(`${stack.relayUrl}/healthz`, { headers: { Origin: 'https://bellastudio.kommo.com' } });
  assert.equal(kommo.headers.get('access-control-allow-origin'), 'https://bellastudio.kommo.com');
  const lookalike = await fetch(`${stack.relayUrl}/healthz`, { headers: { Origin: 'https://bellastudio.kommo.com.evil.example' } });
  assert.equal(lookalike.headers.get('access-control-allow-origin'), null);
});

test('a body that trickles in is refused with 408 at its deadline, and 40 of them at once leave /healthz answering', async () => {
  const trickle = () => {
    const socket = connect({ host: '127.0.0.1', port: Number(new URL(stack.relayUrl).port) });
    socket.on('error', () => {});
    socket.write(head('POST', '/api/v1/records', { 'Content-Type': 'application/json', 'Content-Length': 1000 }));
    const timer = setInterval(() => socket.write('a'), 500);
    socket.on('close', () => clearInterval(timer));
    return socket;
  };
  const slow = Array.from({ length: 40 }, trickle);
  await new Promise((r) => setTimeout(r, 1000));
  const started = Date.now();
  assert.equal((await fetch(`${stack.relayUrl}/healthz`)).status, 200);
  assert.ok(Date.now() - started < 2000, `/healthz took ${Date.now() - started} ms beside 40 slow bodies`);
  for (const socket of slow) socket.destroy();

  const { text, closed } = await exchange(stack.relayUrl,
    [head('POST', '/api/v1/records', { 'Content-Type': 'application/json', 'Content-Length': 1000 }), ...Array(20).fill('a')],
    { pauseAfter: 400, waitMs: 10000 });
  assertRelayError(text, 408);
  assert.ok(closed);
});

test('idle connections hold no thread: /healthz answers at once beside 500 sockets that never send', async () => {
  const port = Number(new URL(stack.relayUrl).port);
  const idle = Array.from({ length: 500 }, () => connect({ host: '127.0.0.1', port }).on('error', () => {}));
  await new Promise((r) => setTimeout(r, 500));
  const started = Date.now();
  const answer = await fetch(`${stack.relayUrl}/healthz`, { signal: AbortSignal.timeout(5000) }).catch(() => ({ status: 'no answer in 5 s' }));
  const waited = Date.now() - started;
  for (const socket of idle) socket.destroy();
  assert.equal(answer.status, 200);
  assert.ok(waited < 1000, `/healthz took ${waited} ms beside 500 idle sockets`);
});

test('heads that trickle in hold no thread, and each is refused with 408 at the head deadline', async () => {
  const port = Number(new URL(stack.relayUrl).port);
  // 100 senders (more than the relay's 64 threads), each writing one byte of a head every 300 ms: never a whole head.
  const line = 'GET /healthz HTTP/1.1\r\nHost: relay.example\r\nX-Padding: ' + 'p'.repeat(200);
  const trickle = () => {
    const socket = connect({ host: '127.0.0.1', port }).on('error', () => {});
    let sent = 0;
    const timer = setInterval(() => socket.write(line[sent++ % line.length]), 300);
    socket.on('close', () => clearInterval(timer));
    return socket;
  };
  const slow = Array.from({ length: 100 }, trickle);
  await new Promise((r) => setTimeout(r, 1000));
  const started = Date.now();
  const answer = await fetch(`${stack.relayUrl}/healthz`, { signal: AbortSignal.timeout(5000) }).catch(() => ({ status: 'no answer in 5 s' }));
  const waited = Date.now() - started;
  for (const socket of slow) socket.destroy();
  assert.equal(answer.status, 200);
  assert.ok(waited < 1000, `/healthz took ${waited} ms beside 100 trickling heads`);

  const began = Date.now();
  const { text, closed } = await exchange(stack.relayUrl, [...line], { pauseAfter: 300, waitMs: 10000 });
  assertRelayError(text, 408);
  assert.ok(closed);
  assert.ok(Date.now() - began < 6000, `the head was refused after ${Date.now() - began} ms (deadline 3 s)`);
});

test('a head over 64 KiB is refused with 431', async () => {
  const { text, closed } = await exchange(stack.relayUrl, 'GET /healthz HTTP/1.1\r\nX-Long: ' + 'a'.repeat(70 * 1024));
  assertRelayError(text, 431);
  assert.ok(closed);
});

test('requests sent one behind another on a kept-alive connection are each answered, in order', async () => {
  const ask = (path) => head('GET', path);
  const { text } = await exchange(stack.relayUrl, ask('/healthz') + ask('/nowhere') + ask('/healthz') + head('GET', '/healthz', { Connection: 'close' }));
  assert.deepEqual(statuses(text), [200, 404, 200, 200]);
});

test('1,100 connections at once, past the 1,024 that select() could watch, are all answered', async () => {
  const port = Number(new URL(stack.relayUrl).port);
  const ask = () => new Promise((resolve) => {
    let text = '';
    const socket = connect({ host: '127.0.0.1', port }, () => socket.write('GET /healthz HTTP/1.1\r\nHost: relay.example\r\nConnection: close\r\n\r\n'));
    socket.setEncoding('latin1');
    socket.on('data', (chunk) => { text += chunk; });
    socket.on('error', () => resolve(0));
    socket.on('close', () => resolve(statuses(text)[0] ?? 0));
  });
  const answers = await Promise.all(Array.from({ length: 1100 }, ask));
  assert.equal(answers.filter((status) => status === 200).length, 1100);
  assert.equal((await fetch(`${stack.relayUrl}/healthz`)).status, 200);
});

test('/widget/ serves only the widget\'s own files, each with its own type', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'kb-widget-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'widget.js'), 'void 0;');
  writeFileSync(join(dir, 'widget.wasm'), Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
  mkdirSync(join(dir, 'fonts'));
  writeFileSync(join(dir, 'fonts', '3.ttf'), Buffer.from([0, 1, 0, 0, 0, 0]));
  for (const stray of ['index.html', '.env', 'notes.txt', 'widget.js.map', 'fonts/.hidden.ttf']) writeFileSync(join(dir, stray), 'secret=1');
  const own = await startStack({ widgetDir: dir, setUp: 'none' });
  t.after(() => own.stop());
  const js = await fetch(`${own.relayUrl}/widget/widget.js`);
  assert.equal(js.status, 200);
  assert.equal(js.headers.get('content-type'), 'text/javascript');
  assert.equal(js.headers.get('x-content-type-options'), 'nosniff');
  assert.equal((await fetch(`${own.relayUrl}/widget/widget.wasm`)).headers.get('content-type'), 'application/wasm');
  assert.equal((await fetch(`${own.relayUrl}/widget/fonts/3.ttf`)).headers.get('content-type'), 'font/ttf');   // a font slice
  for (const path of ['/widget/', '/widget/index.html', '/widget/.env', '/widget/notes.txt', '/widget/widget.js.map', '/widget/../relay.db',
                      '/widget/fonts/', '/widget/fonts/.hidden.ttf', '/widget/fonts/../.env']) {
    const answer = await fetch(`${own.relayUrl}${path}`);
    const text = await answer.text();
    assert.equal(answer.status, 404, `${path}: ${text}`);
    assert.ok(!text.includes('secret=1'), path);
    assert.equal((await fetch(`${own.relayUrl}${path}`, { method: 'HEAD' })).status, 404, `HEAD ${path}`);
  }
  assert.equal((await fetch(`${own.relayUrl}/widget/widget.js`, { method: 'HEAD' })).status, 200);
});

// A GET whose body comes back as sent (no decoding), with its status and headers.
function rawGet(url, headers) {
  return new Promise((resolve, reject) => {
    get(url, { headers }, (answer) => {
      const chunks = [];
      answer.on('data', (chunk) => chunks.push(chunk));
      answer.on('end', () => resolve({ status: answer.statusCode, headers: answer.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
}

test('the widget\'s files go out as their brotli or gzip copies, revalidate with 304, and no answer is compressed per request with brotli', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'kb-widget-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const js = Buffer.from('var kbWidget = function () { return "' + 'the widget '.repeat(400) + '"; };');
  writeFileSync(join(dir, 'widget.js'), js);
  writeFileSync(join(dir, 'widget.js.br'), brotliCompressSync(js));
  writeFileSync(join(dir, 'widget.js.gz'), gzipSync(js));
  const own = await startStack({ widgetDir: dir, setUp: 'none' });
  t.after(() => own.stop());
  const url = `${own.relayUrl}/widget/widget.js`;

  const br = await rawGet(url, { 'accept-encoding': 'gzip, deflate, br' });
  assert.equal(br.status, 200);
  assert.equal(br.headers['content-encoding'], 'br');
  assert.equal(br.headers['content-type'], 'text/javascript');
  assert.equal(br.headers.vary, 'Accept-Encoding');
  assert.deepEqual(br.body, brotliCompressSync(js));
  const gz = await rawGet(url, { 'accept-encoding': 'br;q=0, gzip' });
  assert.equal(gz.headers['content-encoding'], 'gzip');
  assert.deepEqual(gunzipSync(gz.body), js);
  const plain = await rawGet(url, { 'accept-encoding': 'identity' });
  assert.equal(plain.headers['content-encoding'], undefined);
  assert.deepEqual(plain.body, js);
  assert.notEqual(plain.headers.etag, br.headers.etag, 'each form has its own tag');

  // A browser revalidating its copy gets 304 and no body; a changed file is sent again.
  const same = await rawGet(url, { 'accept-encoding': 'gzip, deflate, br', 'if-none-match': br.headers.etag });
  assert.equal(same.status, 304);
  assert.equal(same.body.length, 0);
  writeFileSync(join(dir, 'widget.js'), Buffer.concat([js, Buffer.from('\n')]));
  assert.equal((await rawGet(url, { 'accept-encoding': 'identity', 'if-none-match': plain.headers.etag })).status, 200);

  // A JSON answer of the same server code (the sandbox's state, about 2 KB) is gzipped, never brotli'd per request.
  const state = `${own.sandboxUrl}/__sandbox/state`;
  const gzipped = await rawGet(state, { 'accept-encoding': 'gzip, br' });
  assert.equal(gzipped.headers['content-encoding'], 'gzip');
  assert.ok(JSON.parse(gunzipSync(gzipped.body).toString()));
  const brOnly = await rawGet(state, { 'accept-encoding': 'br' });
  assert.equal(brOnly.headers['content-encoding'], undefined);
  assert.ok(JSON.parse(brOnly.body.toString()));
});
