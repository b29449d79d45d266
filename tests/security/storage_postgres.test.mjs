// Waits on PostgreSQL are bounded: while another session holds a lock the relay's statements need, every call ends
// within the statement limit or the pool's wait, with the storage message and not the server's text, and the relay
// answers normally once the lock goes. Against the relay and sandbox processes on a throwaway PostgreSQL server.
import test from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../../tools/stack.mjs';
import { freshDatabase } from '../e2e/sync_runs.mjs';
import { holdLocks } from './stack_calls.mjs';

// A psql session that locks the installations table until released.
const lockInstallations = (url) => holdLocks('psql', [url, '-X', '-q', '-v', 'ON_ERROR_STOP=1'],
                                             'BEGIN;\nLOCK TABLE installations IN ACCESS EXCLUSIVE MODE;');

test('calls end at the statement limit or the pool wait while PostgreSQL holds a lock, and work again after it',
  { skip: process.env.KB_TEST_POSTGRES_URL ? false : 'needs tools/with_postgres.sh' }, async (t) => {
    const url = freshDatabase(process.env.KB_TEST_POSTGRES_URL, `kb_limits_${process.pid}`);
    const stack = await startStack({ relayEnv: { KB_DATABASE_URL: url, KB_WORKER_THREADS: '1', KB_PG_POOL_WAIT_MS: '300', KB_PG_STATEMENT_TIMEOUT_MS: '1000' } });
    t.after(() => stack.stop());
    const tokens = [];
    for (let i = 0; i < 40; ++i) tokens.push(await stack.token());
    const settings = (token) => fetch(`${stack.relayUrl}/api/v1/settings`, { headers: { 'X-Auth-Token': token }, signal: AbortSignal.timeout(8000) });
    assert.equal((await settings(tokens.pop())).status, 200);

    const lock = lockInstallations(url);
    await lock.locked;
    try {
      // More callers than the pool has connections (9): the first wait out the statement limit, the rest the pool's wait.
      const began = Date.now();
      const answers = await Promise.all(tokens.splice(0, 30).map(async (token) => {
        const answer = await settings(token);
        return { status: answer.status, text: await answer.text() };
      }));
      const took = Date.now() - began;
      assert.ok(took < 4000, `30 calls took ${took} ms behind the lock (unbounded, they would wait for it)`);
      for (const answer of answers) {
        assert.ok(answer.status >= 500, `answered ${answer.status} while nothing could be read`);
        assert.match(answer.text, /"message_key":"ui\.error\.storage"/);
        assert.ok(!/canceling statement|statement timeout|lock|pool|postgres/i.test(answer.text), answer.text);
      }
    } finally {
      await lock.release();
    }
    assert.equal((await settings(tokens.pop())).status, 200, 'the relay answers once the lock goes');
    assert.equal((await fetch(`${stack.relayUrl}/healthz`)).status, 200);
  });
