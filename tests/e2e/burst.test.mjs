// A burst of 1,000 records made in Altegio for new clients, with the sandbox enforcing Kommo's real limit
// (7 calls a second) and the relay its default (6): exactly 1,000 leads, no 429 answer from Kommo, and the
// wall time against the minimum the limit allows for the calls made.
// Smaller runs: KB_BURST_RECORDS=100 node --test tests/e2e/burst.test.mjs
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startStack } from '../../tools/stack.mjs';

const records = Number(process.env.KB_BURST_RECORDS || 1000);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

test(`a burst of ${records} new records: one lead each, zero 429s`, { timeout: 1800000 }, async () => {
  const stack = await startStack();
  try {
    const before = await (await fetch(`${stack.sandboxUrl}/__sandbox/state`)).json();
    const started = Date.now();
    for (let i = 0; i < records; ++i) {
      const day = String(1 + (i % 28)).padStart(2, '0');
      const hour = String(8 + Math.floor(i / 28) % 12).padStart(2, '0');
      const reply = await fetch(`${stack.sandboxUrl}/__sandbox/altegio/records`, {
        method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ company_id: 400001, staff_id: 5001, services: [{ id: 7001 }], datetime: `2027-04-${day}T${hour}:${i % 2 ? '30' : '00'}:00+03:00`,
                               save_if_busy: true, client: { name: `Burst ${i}`, phone: `+7903${String(i).padStart(7, '0')}` } }),
      });
      assert.equal(reply.status, 201);
    }
    for (;;) {
      const text = await (await fetch(`${stack.relayUrl}/metrics`)).text();
      const pending = Number(/state="pending"\} (\d+)/.exec(text)[1]) + Number(/state="processing"\} (\d+)/.exec(text)[1]);
      const hooks = await (await fetch(`${stack.sandboxUrl}/__sandbox/webhooks`)).json();
      if (pending === 0 && hooks.pending === 0) break;
      await sleep(500);
    }
    const wall = (Date.now() - started) / 1000;
    const state = await (await fetch(`${stack.sandboxUrl}/__sandbox/state`)).json();
    assert.equal(state.kommo.leads.length - before.kommo.leads.length, records, 'one lead per record');
    assert.equal(state.kommo.rate_limited_answers - before.kommo.rate_limited_answers, 0, 'Kommo never answered 429');
    const names = new Set(state.kommo.leads.map((l) => l.name));
    assert.equal(names.size, state.kommo.leads.length, 'no lead twice');
    const calls = state.kommo.calls_answered - before.kommo.calls_answered;
    console.log(`burst: ${records} records -> ${records} leads, ${calls} Kommo calls in ${wall.toFixed(1)} s; ` +
                `the 7/s limit allows ${(calls / 7).toFixed(1)} s at best: ${(wall / (calls / 7)).toFixed(2)}x; 429 answers: 0`);
  } finally {
    stack.stop();
  }
});
