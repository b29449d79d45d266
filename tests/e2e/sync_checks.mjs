// What the sync tests over loopback share (crash.test.mjs, two_relays.test.mjs): making records as Altegio staff,
// waiting until every webhook is delivered and the inbox is empty, and checking what Kommo holds afterwards
// against every webhook the sandbox sent.
import assert from 'node:assert/strict';

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function json(url, options) {
  const reply = await fetch(url, options);
  const text = await reply.text();
  assert.ok(reply.ok, `${url} -> ${reply.status} ${text}`);
  return JSON.parse(text);
}
export const post = (url, body) => json(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

// The inbox's events by state, from /metrics; null while no relay answers.
export async function inboxCounts(stack) {
  try {
    const text = await (await fetch(`${stack.relayUrl}/metrics`)).text();
    const counts = {};
    for (const [, state, n] of text.matchAll(/kb_inbox_events\{state="(\w+)"\} (\d+)/g)) counts[state] = Number(n);
    return counts;
  } catch { return null; }
}

// Waits until the sandbox has no webhook left to send and the inbox nothing pending or in hand.
export async function settle(stack, timeoutMs = 600000) {
  const started = Date.now();
  for (;;) {
    const hooks = await json(`${stack.sandboxUrl}/__sandbox/webhooks`);
    const inbox = await inboxCounts(stack);
    if (hooks.pending === 0 && inbox && inbox.pending === 0 && inbox.processing === 0) return inbox;
    assert.ok(Date.now() - started < timeoutMs, `not settled: ${JSON.stringify({ hooks, inbox })}`);
    await sleep(250);
  }
}

// Altegio staff make `count` records for new clients (phones +7<prefix><7 digits>), 20 a day; their ids.
export async function staffRecords(stack, count, phonePrefix) {
  const ids = [];
  for (let i = 0; i < count; ++i) {
    const day = String(4 + (i % 20)).padStart(2, '0');
    const minutes = 8 * 60 + Math.floor(i / 20) * 30;
    const time = `${String(Math.floor(minutes / 60) % 24).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
    const made = await post(`${stack.sandboxUrl}/__sandbox/altegio/records`, {
      company_id: 400001, staff_id: 5001, services: [{ id: 7001 }], datetime: `2027-01-${day}T${time}:00+03:00`, save_if_busy: true,
      client: { name: `Sync Client ${i}`, phone: `+7${phonePrefix}${String(i).padStart(7, '0')}` },
    });
    ids.push(made.record.id);
  }
  return ids;
}

// Kommo's leads linked to records, by record id (asserting none has two).
export function leadsByRecord(state) {
  const recordField = state.kommo.lead_fields.find((f) => f.code === 'KB_ALTEGIO_RECORD_ID').id;
  const leadOf = new Map();
  for (const lead of state.kommo.leads) {
    const rid = (lead.custom_fields_values || []).find((f) => f.field_id === recordField)?.values[0].value;
    if (rid === undefined) continue;
    assert.ok(!leadOf.has(String(rid)), `record ${rid} has two leads`);
    leadOf.set(String(rid), lead);
  }
  return leadOf;
}

// After a run of change_stream edits of `ids`: one lead per record holding the record's final time; on each
// lead every change noted at most once and in the order the changes were made (each moves the record later);
// every update webhook a relay accepted (2xx) is in the inbox (`inboxRows`: {id, datetime, state, outcome}) as
// done, its note in Kommo unless a newer change superseded it. Returns the counts for the run's summary line.
export function checkAppliedOnceInOrder(state, ids, inboxRows) {
  const leadOf = leadsByRecord(state);
  assert.equal(state.kommo.leads.length, 4 + ids.length, 'one lead per record, none twice');
  const timeField = state.kommo.lead_fields.find((f) => f.code === 'KB_ALTEGIO_TIME').id;
  const notesOf = new Map();
  for (const note of state.kommo.notes) {   // in the order Kommo took them
    const list = notesOf.get(note.entity_id) || [];
    list.push(note.params.text);
    notesOf.set(note.entity_id, list);
  }
  const finalOf = new Map(state.altegio.records.map((r) => [String(r.id), r]));
  for (const id of ids) {
    const lead = leadOf.get(String(id));
    assert.ok(lead, `record ${id} has a lead`);
    const time = (lead.custom_fields_values || []).find((f) => f.field_id === timeField)?.values[0].value;
    assert.equal(time, finalOf.get(String(id)).datetime.slice(11, 16), `record ${id}: the lead holds the final time`);
    const texts = notesOf.get(lead.id) || [];
    assert.equal(new Set(texts).size, texts.length, `record ${id}: no change applied twice (${texts.length} notes)`);
    const moments = texts.map((t) => t.match(/changed: (\d{4}-\d{2}-\d{2} \d{2}:\d{2})/)?.[1]).filter(Boolean);
    for (let n = 1; n < moments.length; ++n)
      assert.ok(moments[n - 1] < moments[n], `record ${id}: changes applied out of order (${moments.join(', ')})`);
  }
  const rowOf = new Map(inboxRows.map((r) => [`${r.id}|${r.datetime}`, r]));
  let accepted = 0, superseded = 0, refused = 0;
  for (const hook of state.altegio.webhooks_sent) {
    if (hook.body?.status !== 'update') continue;
    if (hook.status !== 200) { ++refused; continue; }
    ++accepted;
    const key = `${hook.body.resource_id}|${hook.body.data.datetime}`;
    const row = rowOf.get(key);
    assert.ok(row, `accepted webhook ${key} is in the inbox`);
    assert.equal(row.state, 'done', `${key}: ${row.outcome}`);
    if (row.outcome.startsWith('skipped')) { ++superseded; continue; }
    const date = hook.body.data.date.slice(0, 10), time = hook.body.data.datetime.slice(11, 16);
    const texts = notesOf.get(leadOf.get(String(hook.body.resource_id)).id) || [];
    assert.ok(texts.some((t) => t.includes(`record ${hook.body.resource_id} changed: ${date} ${time}`)), `${key}: its note is in Kommo`);
  }
  return { accepted, superseded, refused, notes: state.kommo.notes.length };
}
