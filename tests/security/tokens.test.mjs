// Kommo's disposable tokens (X-Auth-Token) as an attacker would make them with a leaked or guessed part, against the
// relay and sandbox processes: each claim that ties a token to this integration and to the installed account is
// checked, not only the signature, and a token is used once across every relay sharing the database.
import test from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { startStack } from '../../tools/stack.mjs';
import { freshDatabase } from '../e2e/sync_runs.mjs';

const base64url = (value) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
const sign = (claims, secret) => {
  const unsigned = `${base64url({ alg: 'HS256', typ: 'JWT' })}.${base64url(claims)}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
};
// The claims of a token the sandbox's Kommo issues (as Kommo does): the one each test then changes.
async function issuedClaims(stack) {
  const token = await stack.token();
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
}
const cardStatus = async (url, token) => (await fetch(`${url}/api/v1/card?lead_id=21001`, { headers: { 'X-Auth-Token': token } })).status;

test('a token naming another account host, another integration or a lifetime Kommo never issues gets 401', async (t) => {
  const stack = await startStack();
  t.after(() => stack.stop());
  const issued = await issuedClaims(stack);
  const now = Math.floor(stack.now().getTime() / 1000);
  // Each patch changes the claims Kommo would issue (undefined removes the claim); every token is new (its own jti).
  const status = (patch = {}) => {
    const claims = { ...issued, jti: randomBytes(8).toString('hex'), iat: now, nbf: now, exp: now + 1800, ...patch };
    for (const key of Object.keys(claims)) if (claims[key] === undefined) delete claims[key];
    return cardStatus(stack.relayUrl, sign(claims, stack.clientSecret));
  };
  assert.equal(await status(), 200);
  const forged = [{ iss: 'https://someoneelse.kommo.com' }, { iss: 'https://bellastudio' }, { subdomain: 'someoneelse' },
                  { client_uuid: 'another-integration' }, { client_uuid: undefined }, { exp: now + 25 * 3600 },
                  { iat: undefined, nbf: undefined, exp: now + 30 * 24 * 3600 }, { account_id: issued.account_id + 1 }];
  for (const patch of forged) assert.equal(await status(patch), 401, JSON.stringify(patch));
  assert.equal(await cardStatus(stack.relayUrl, sign({ ...issued, jti: 'x1' }, 'a-guessed-secret')), 401, 'signed with another secret');
  // The host form of iss (without a scheme) still works.
  assert.equal(await status({ iss: 'BellaStudio.kommo.com' }), 200);
  assert.equal((await fetch(`${stack.relayUrl}/healthz`)).status, 200);
});

// A valid token is a Kommo user, not a key to the account's Altegio: a manager without an Altegio login of their own
// writes nothing there (the admin's login is not lent out unless the admin allows it), and the lead search behind
// "New record" takes only short, well-formed text.
test('a manager\'s valid token writes no Altegio record without their own login, and the lead search is bounded', async (t) => {
  const stack = await startStack();
  t.after(() => stack.stop());
  const call = async (user, method, path, body) => {
    const reply = await fetch(`${stack.relayUrl}${path}`, { method, headers: { 'X-Auth-Token': await stack.token(user), 'Content-Type': 'application/json' },
                                                             body: body && JSON.stringify(body) });
    return { status: reply.status, body: await reply.json() };
  };
  const records = (await stack.state()).altegio.records.length;
  const booking = { lead_id: 21003, company_id: 400001, staff_id: 5001, service_ids: [7001], datetime: '2030-01-10T10:00:00+03:00',
                    client: { name: 'John Miller', phone: '+44 7700 900456' }, request_key: 'manager-1' };
  for (const [method, path, body] of [['POST', '/api/v1/records', booking],
                                      ['POST', '/api/v1/branches/400001/records/1/status', { action: 'cancel' }]]) {
    const refused = await call(9003, method, path, body);
    assert.equal(refused.status, 403, path);
    assert.equal(refused.body.error.message_key, 'ui.error.altegio_login_not_linked', path);
  }
  assert.equal((await stack.state()).altegio.records.length, records);
  for (const query of ['a', 'x'.repeat(101), '%FF%FE']) {
    const refused = await fetch(`${stack.relayUrl}/api/v1/leads?query=${query.startsWith('%') ? query : encodeURIComponent(query)}`,
                                { headers: { 'X-Auth-Token': await stack.token(9003) } });
    assert.equal(refused.status, 400, query);
  }
});

test('a token without jti is used once all the same', async (t) => {
  const stack = await startStack();
  t.after(() => stack.stop());
  const claims = await issuedClaims(stack);
  delete claims.jti;
  const token = sign(claims, stack.clientSecret);
  assert.equal(await cardStatus(stack.relayUrl, token), 200);
  assert.equal(await cardStatus(stack.relayUrl, token), 401);
});

// The replay guard lives in the database: a token one relay took is refused by the other, with or without jti.
test('a token used at one relay is refused at another relay on the same database',
  { skip: process.env.KB_TEST_POSTGRES_URL ? false : 'needs tools/with_postgres.sh' }, async (t) => {
    const stack = await startStack({ relays: 2, relayEnv: { KB_DATABASE_URL: freshDatabase(process.env.KB_TEST_POSTGRES_URL, `kb_tokens_${process.pid}`) } });
    t.after(() => stack.stop());
    const [first, second] = stack.relayUrls;
    const token = await stack.token();
    assert.equal(await cardStatus(first, token), 200);
    assert.equal(await cardStatus(second, token), 401);
    const claims = await issuedClaims(stack);
    delete claims.jti;
    const without = sign(claims, stack.clientSecret);
    assert.equal(await cardStatus(second, without), 200);
    assert.equal(await cardStatus(first, without), 401);
  });
