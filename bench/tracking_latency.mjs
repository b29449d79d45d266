// Lead tracking's latency over loopback, relay and sandbox as separate processes (tools/stack.mjs):
//   1. deals made (every type's deal mode create): from a tracker's post to its deal made in Kommo, and from a second post (late attribution) to
//      the deal updated;
//   2. deals looked for (deal mode find): from a manager adding the contact's deal in Kommo (the data becoming available) to the deal
//      updated with the waiting lead's attribution; bounded by the search schedule (every 3 s in a lead's first
//      ten minutes).
// Leads come a second apart, so the figures are latency rather than the pacing under Kommo's 7 calls a second (each
// lead costs three or four calls; posted back to back they wait for the relay's rate limiter, as they should).
// The baseline, measured in the same run, is the post's own round trip (stored in the inbox and answered). The
// sandbox's state is read every 10 ms, so each figure may be up to ~10 ms late. Aim: 5 s for each.
// usage: node bench/tracking_latency.mjs [leads]   (needs build/native: relay and sandbox)
import { createHmac, randomUUID } from 'node:crypto';
import { startStack } from '../tools/stack.mjs';

const leads = Number(process.argv[2] || 20);
const stack = await startStack();
const b64 = (text) => Buffer.from(text).toString('base64url');
function token() {
  const now = Math.floor(Date.now() / 1000);
  const claims = { iss: 'https://bellastudio.kommo.com', aud: stack.relayUrl, jti: randomUUID(), iat: now, nbf: now, exp: now + 1800,
                   account_id: 31000001, subdomain: 'bellastudio', client_uuid: 'sandbox-client-id', user_id: 9001, is_admin: true };
  const input = `${b64(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${b64(JSON.stringify(claims))}`;
  return `${input}.${createHmac('sha256', stack.clientSecret).update(input).digest('base64url')}`;
}
const admin = async (method, path, body) => (await fetch(`${stack.relayUrl}${path}`, {
  method, headers: { 'X-Auth-Token': token(), 'Content-Type': 'application/json' }, body: body ? JSON.stringify(body) : undefined })).json();
// The same modes for each lead type (form, phone, chat, offline).
const everyType = (modes) => Object.fromEntries(['form', 'phone', 'chat', 'offline'].map((type) => [type, modes]));
async function saveTracking(tracking) {
  const page = await admin('GET', '/api/v1/settings');
  await admin('PUT', '/api/v1/settings', { base_revision: page.revision, settings: { ...page.settings, tracking: { ...page.settings.tracking, ...tracking } } });
  return admin('GET', '/api/v1/settings');
}
const valueOf = (lead, field) => (lead?.custom_fields_values || []).find((f) => f.field_id === field)?.values[0].value;
async function until(find) {
  for (;;) {
    const found = find(await stack.state());
    if (found) return found;
    await new Promise((r) => setTimeout(r, 10));
  }
}
const stats = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return `p50 ${at(0.5).toFixed(0)} ms, p95 ${at(0.95).toFixed(0)} ms, max ${sorted[sorted.length - 1].toFixed(0)} ms`;
};

try {
  const page = await saveTracking({ enabled: true, modes: everyType({ deal: 'create', contact: 'create', company: 'off' }), fields: { source: -1, campaign: -1 } });
  const { source, campaign } = page.settings.tracking.fields;
  const post = async (body) => {
    const start = performance.now();
    const reply = await fetch(page.tracking_url, { method: 'POST', body: JSON.stringify(body) });
    if (reply.status !== 200) throw new Error(`post refused: ${reply.status} ${await reply.text()}`);
    return performance.now() - start;
  };
  const roundTrips = [], created = [], updated = [], found = [];
  for (let i = 0; i < leads; ++i) {
    const start = performance.now();
    roundTrips.push(await post({ lead_id: `bench-${i}`, type: 'form', email: `bench${i}@example.com`, subject: `Bench form ${i}`, source: 'google' }));
    const deal = await until((s) => s.kommo.leads.find((l) => l.name === `Bench form ${i}`));
    created.push(performance.now() - start);
    const late = performance.now();
    await post({ lead_id: `bench-${i}`, campaign: `c${i}` });
    await until((s) => valueOf(s.kommo.leads.find((l) => l.id === deal.id), campaign) === `c${i}`);
    updated.push(performance.now() - late);
    await new Promise((r) => setTimeout(r, 1000));   // leads a second apart: latency, not the Kommo rate limit's pacing
    if (process.env.KB_BENCH_VERBOSE) console.log(`lead ${i}: made ${created.at(-1).toFixed(0)} ms, updated ${updated.at(-1).toFixed(0)} ms`);
  }
  await saveTracking({ modes: everyType({ deal: 'find', contact: 'find', company: 'off' }) });
  const findLeads = Math.max(3, Math.floor(leads / 4));
  for (let i = 0; i < findLeads; ++i) {
    await post({ lead_id: `find-${i}`, type: 'chat', email: `later${i}@example.com`, source: `s${i}` });
    await new Promise((r) => setTimeout(r, 300 + 700 * Math.random()));   // the deal appears at any point of the schedule
    const start = performance.now();
    const made = await (await fetch(`${stack.sandboxUrl}/__sandbox/kommo/leads`, {
      method: 'POST', body: JSON.stringify({ name: `Walk-in ${i}`, contact: { name: `Later ${i}`, email: `later${i}@example.com` } }) })).json();
    await until((s) => valueOf(s.kommo.leads.find((l) => l.id === made.id), source) === `s${i}`);
    found.push(performance.now() - start);
  }
  console.log(`lead tracking over loopback (${leads} leads whose deal is made, ${findLeads} whose deal is looked for)`);
  console.log(`  baseline: a post stored and answered      ${stats(roundTrips)}`);
  console.log(`  post -> deal made in Kommo               ${stats(created)}   (aim: 5000 ms)`);
  console.log(`  late attribution -> deal updated         ${stats(updated)}   (aim: 5000 ms)`);
  console.log(`  deal added in Kommo -> found and updated ${stats(found)}   (aim: 5000 ms; searches every 3 s)`);
} finally {
  stack.stop();
}
