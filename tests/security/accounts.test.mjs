// Two Kommo accounts connected to the same Altegio branch are separate: each gets its own lead for a record, each
// lead follows the record's changes, and neither account's links, record log or request history show the other's.
// The second account is a second sandbox process (its own Kommo, id 31000002) on the first one's Altegio.
import test from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../../tools/stack.mjs';
import { leadsByRecord, settle } from '../e2e/sync_checks.mjs';

const get = async (stack, token, path) => {
  const answer = await fetch(`${stack.relayUrl}${path}`, { headers: { 'X-Auth-Token': token } });
  const text = await answer.text();
  assert.equal(answer.status, 200, `${path}: ${text}`);
  return JSON.parse(text);
};

test('a record of a branch two Kommo accounts share becomes a lead in each, and each account sees only its own', async (t) => {
  const stack = await startStack({ secondAccount: true });
  t.after(() => stack.stop());
  const first = { state: stack.state, token: stack.token, kommo: stack.sandboxUrl };
  const second = { state: stack.second.state, token: stack.second.token, kommo: stack.second.sandboxUrl };
  assert.equal((await stack.state()).altegio.hook_urls['400001'].length, 2, 'each account registered its own webhook address');
  // Each administrator maps "came" to the stage "Пришёл" of the account's own pipeline.
  for (const account of [first, second]) {
    const page = await get(stack, await account.token(), '/api/v1/settings');
    page.settings.status_sync.mode = 'without_conditions';
    page.settings.status_sync.map.targets.came = { pipeline_id: 7700001, status_id: 77005 };
    const saved = await fetch(`${stack.relayUrl}/api/v1/settings`, {
      method: 'PUT', headers: { 'X-Auth-Token': await account.token(), 'Content-Type': 'application/json' },
      body: JSON.stringify({ base_revision: page.revision, settings: page.settings }),
    });
    assert.equal(saved.status, 200, await saved.text());
  }

  // A deal added by hand in the second account first, so the two accounts' new leads have different ids.
  const handMade = await fetch(`${stack.second.sandboxUrl}/__sandbox/kommo/leads`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'Walk-in', contact: { name: 'Walk-in', phone: '+79035550000' } }),
  });
  assert.ok(handMade.ok);
  const record = await stack.staffCreates('2027-03-09T12:00:00+03:00', 'Дарья Общая', '+79035557788');
  await settle(stack);
  const leads = [];
  for (const account of [first, second]) {
    const lead = leadsByRecord(await account.state()).get(String(record.id));
    assert.ok(lead, 'the record made a lead in this account');
    leads.push(lead);
  }
  assert.notEqual(leads[0].id, leads[1].id);
  // The same webhook for two accounts is two events: were the dedupe key or the applied change shared, the second
  // account's event would be taken for a repeat and its lead would stay behind.
  const moved = await fetch(`${stack.sandboxUrl}/__sandbox/altegio/records/${record.id}/change`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ attendance: 1 }),
  });
  assert.equal(moved.status, 200);
  await settle(stack);
  for (const [n, account] of [first, second].entries()) {
    const lead = (await account.state()).kommo.leads.find((l) => l.id === leads[n].id);
    assert.equal(lead.status_id, 77005, `account ${n + 1}: the lead moved to "came" with the record`);
  }

  for (const [n, account] of [first, second].entries()) {
    // The record log links the record to this account's own lead.
    const log = await get(stack, await account.token(), '/api/v1/records?from=2027-03-09&to=2027-03-10');
    const row = log.records.find((r) => r.record.id === record.id);
    assert.ok(row, `account ${n + 1}: the record is in its log`);
    assert.equal(row.lead_id, leads[n].id, `account ${n + 1}: the log links the record to this account's lead`);
    // The request history holds calls to this account's Kommo only.
    const history = await get(stack, await account.token(), `/api/v1/history?from_ms=0&to_ms=${Date.now() + 86400000}&types=kommo_request`);
    assert.ok(history.rows.length > 0, `account ${n + 1}: its calls to Kommo are in its history`);
    const other = [first, second][1 - n].kommo;
    for (const row of history.rows) assert.ok(!row.target.startsWith(other), `account ${n + 1}'s history shows a call of the other: ${row.target}`);
  }
});
