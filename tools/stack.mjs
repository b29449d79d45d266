// Starts the sandbox and the relay on free 127.0.0.1 ports, wires them to each other, installs the widget
// in the simulated Kommo account and connects the simulated Altegio, as an administrator would.
// Used by the demo (node tools/stack.mjs) and by the browser tests (import { startStack }).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest, createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

async function waitFor(url, timeoutMs = 15000) {
  const started = Date.now();
  for (;;) {
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch { /* not up yet */ }
    if (Date.now() - started > timeoutMs) throw new Error(`${url} did not answer within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function launch(name, command, args, env, log) {
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines = [];
  const keep = (chunk) => {
    for (const line of chunk.toString().split('\n')) if (line) { lines.push(line); if (log) console.log(`[${name}] ${line}`); }
    if (lines.length > 400) lines.splice(0, lines.length - 400);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  child.logs = lines;
  return child;
}

// A round-robin HTTP balancer in front of several relays, as nginx's upstream block would be: each request goes
// to the next relay; a relay that refuses the connection (down) is skipped for the next one, as nginx's
// proxy_next_upstream does. An answer cut off midway is a 502, as with nginx.
function startBalancer(port, targetPorts) {
  let next = 0;
  const server = createHttpServer((incoming, outgoing) => {
    const chunks = [];
    incoming.on('data', (chunk) => chunks.push(chunk));
    incoming.on('end', () => {
      const body = Buffer.concat(chunks);
      const attempt = (tried) => {
        const port = targetPorts[next++ % targetPorts.length];
        const upstream = httpRequest({ host: '127.0.0.1', port, method: incoming.method, path: incoming.url, headers: incoming.headers, agent: false },
          (answer) => { outgoing.writeHead(answer.statusCode, answer.headers); answer.pipe(outgoing); });
        upstream.on('error', (error) => {
          if (outgoing.headersSent) return outgoing.destroy();
          if (error.code === 'ECONNREFUSED' && tried + 1 < targetPorts.length) return attempt(tried + 1);
          outgoing.writeHead(502, { 'Content-Type': 'text/plain' });
          outgoing.end(`balancer: ${error.code || error.message}`);
        });
        upstream.end(body);
      };
      attempt(0);
    });
  });
  server.listen(port, '127.0.0.1');
  return server;
}

// Options for load and crash tests: relayEnv adds KB_* variables, relayArgs and sandboxArgs add command-line
// options (e.g. limits); the returned killRelay() sends SIGKILL and startRelay() starts it again on the same
// port and database. relays: 2 or more start that many relays behind a round-robin balancer (relayUrl is the
// balancer's); they need relayEnv.KB_DATABASE_URL (PostgreSQL), and killRelay(signal, n), startRelay(n) and
// relayLogs(n) name one of them.
// setUp: 'connected' (installed and Altegio connected, as an admin would), 'installed' (Altegio left for the
// settings page), or 'none' (a fresh account: the settings page offers Kommo's Install button).
// clock: an instant ('2027-03-03T07:00:00Z') at which the sandbox and the relay start their clocks (both then run on
// in step with the system's), so what a test sees does not depend on the day and hour it runs at; the seed data is
// made at that instant too. now() is the stack's time, clockOffsetMs its distance from the system's.
// secondAccount: a second sandbox plays a second Kommo account (31000002, "secondstudio"), installed and connected to
// the first sandbox's Altegio as well; `second` then holds its sandboxUrl, state() and token(user).
export async function startStack({ buildDir = process.env.KB_BUILD_DIR || join(root, 'build/native'), widgetDir = join(root, 'build/wasm/widget-dist'), log = false,
  relayEnv = {}, relayArgs = [], sandboxArgs = [], setUp = 'connected', relays = 1, clock, secondAccount = false } = {}) {
  if (relays > 1 && !relayEnv.KB_DATABASE_URL) throw new Error('several relays share a PostgreSQL database: set relayEnv.KB_DATABASE_URL');
  for (const binary of ['relay/relay', 'sandbox/sandbox'])
    if (!existsSync(join(buildDir, binary))) throw new Error(`${join(buildDir, binary)} is not built: bash tools/build.sh test builds every tree the tests use`);
  const sandboxPort = await freePort();
  const relayPorts = [];
  for (let n = 0; n < relays; ++n) relayPorts.push(await freePort());
  const balancerPort = relays > 1 ? await freePort() : relayPorts[0];
  const secondPort = secondAccount ? await freePort() : 0;
  const sandboxUrl = `http://127.0.0.1:${sandboxPort}`;
  const secondUrl = `http://127.0.0.1:${secondPort}`;
  const relayUrl = `http://127.0.0.1:${balancerPort}`;
  const secrets = {
    clientSecret: randomBytes(24).toString('hex'),
    partnerToken: randomBytes(16).toString('hex'),
    masterKey: randomBytes(32).toString('hex'),
  };
  const work = mkdtempSync(join(tmpdir(), 'kommo-altegio-'));
  const infoFile = join(work, 'sandbox.json');

  const clockOffsetSeconds = clock ? Math.round((Date.parse(clock) - Date.now()) / 1000) : 0;
  if (Number.isNaN(clockOffsetSeconds)) throw new Error(`clock: not an instant: ${clock}`);
  const launchSandbox = (name, port, info, args) => launch(name, join(buildDir, 'sandbox/sandbox'), [
    '--port', String(port), '--relay-url', relayUrl, '--web-dir', join(root, 'web'), '--info-file', info,
    '--client-secret', secrets.clientSecret, '--partner-token', secrets.partnerToken,
    ...(clock ? ['--clock-offset-seconds', String(clockOffsetSeconds)] : []), ...args,
  ], {}, log);
  const sandbox = launchSandbox('sandbox', sandboxPort, infoFile, sandboxArgs);
  const sandboxes = [sandbox];
  if (secondAccount) {
    sandboxes.push(launchSandbox('sandbox2', secondPort, join(work, 'sandbox2.json'),
                                 ['--kommo-account-id', '31000002', '--kommo-subdomain', 'secondstudio']));
  }
  const relayEnvironment = {
    KB_DB_PATH: join(work, 'relay.db'),
    KB_MASTER_KEY: secrets.masterKey,
    KB_PUBLIC_URL: relayUrl,
    KB_KOMMO_CLIENT_ID: 'sandbox-client-id',
    KB_KOMMO_CLIENT_SECRET: secrets.clientSecret,
    KB_KOMMO_API_BASE_URL: `${sandboxUrl}/kommo` + (secondAccount ? `,secondstudio=${secondUrl}/kommo` : ''),
    KB_ALTEGIO_BASE_URL: `${sandboxUrl}/altegio/api/v1`,
    KB_ALTEGIO_PARTNER_TOKEN: secrets.partnerToken,
    KB_ALTEGIO_APPLICATION_ID: 'sandbox-app-1',
    KB_ALTEGIO_MARKETPLACE_URL: `${sandboxUrl}/altegio/marketplace`,
    KB_EXTRA_ORIGINS: sandboxUrl,
    ...(clock ? { KB_TEST_CLOCK_OFFSET_SECONDS: String(clockOffsetSeconds) } : {}),
    ...relayEnv,
  };
  const launchRelay = (n) => launch(relays > 1 ? `relay${n}` : 'relay', join(buildDir, 'relay/relay'),
    ['--port', String(relayPorts[n]), '--widget-dir', widgetDir, ...relayArgs], relayEnvironment, log);
  const relayProcesses = relayPorts.map((_, n) => launchRelay(n));
  const balancer = relays > 1 ? startBalancer(balancerPort, relayPorts) : null;
  // Stops a relay with `signal` (SIGKILL: a crash; SIGTERM: systemctl stop) and resolves with how it exited.
  const killRelay = (signal = 'SIGKILL', n = 0) => new Promise((done) => {
    const relay = relayProcesses[n];
    if (relay.exitCode !== null || relay.signalCode !== null) return done({ code: relay.exitCode, signal: relay.signalCode });
    relay.once('exit', (code, exitSignal) => done({ code, signal: exitSignal }));
    relay.kill(signal);
  });
  const startRelay = async (n = 0) => {
    relayProcesses[n] = launchRelay(n);
    await waitFor(`http://127.0.0.1:${relayPorts[n]}/healthz`);
  };

  const stop = () => {
    for (const child of [...relayProcesses, ...sandboxes]) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    if (balancer) balancer.close();
    rmSync(work, { recursive: true, force: true });
  };
  const tokenAt = async (url, user) => (await (await fetch(`${url}/__sandbox/kommo/disposable_token?user_id=${user}`)).json()).token;
  const installAndConnect = async (url) => {
    const installed = await fetch(`${url}/__sandbox/kommo/install`, { method: 'POST' });
    if (!installed.ok) throw new Error(`install failed: ${await installed.text()}`);
    if (setUp !== 'connected') return;
    const info = await (await fetch(`${sandboxUrl}/__sandbox/info`)).json();   // every account connects the first sandbox's Altegio
    const connected = await fetch(`${relayUrl}/api/v1/altegio/connect`, {
      method: 'POST',
      headers: { 'X-Auth-Token': await tokenAt(url, 9001), 'Content-Type': 'application/json' },
      body: JSON.stringify({ login: info.altegio_login, password: info.altegio_password }),
    });
    if (!connected.ok) throw new Error(`connecting Altegio failed: ${await connected.text()}`);
  };
  try {
    await waitFor(`${sandboxUrl}/__sandbox/info`);
    if (secondAccount) await waitFor(`${secondUrl}/__sandbox/info`);
    for (const port of relayPorts) await waitFor(`http://127.0.0.1:${port}/healthz`);
    if (setUp !== 'none') await installAndConnect(sandboxUrl);
    if (setUp !== 'none' && secondAccount) await installAndConnect(secondUrl);
  } catch (error) {
    const logs = [...sandboxes.flatMap((box) => box.logs.map((l) => `[sandbox] ${l}`)), ...relayProcesses.flatMap((r) => r.logs.map((l) => `[relay] ${l}`))]
      .slice(-40).join('\n');
    stop();
    throw new Error(`${error.message}\n${logs}`);
  }
  return {
    sandboxUrl, relayUrl, infoFile, stop, clientSecret: secrets.clientSecret, killRelay, startRelay,
    relayLogs: (n = 0) => relayProcesses[n].logs, databasePath: join(work, 'relay.db'),
    relayUrls: relayPorts.map((port) => `http://127.0.0.1:${port}`),
    clockOffsetMs: clockOffsetSeconds * 1000,
    now: () => new Date(Date.now() + clockOffsetSeconds * 1000),
    cardUrl: (lead = 21001, lang = 'en', user = 9001) => `${sandboxUrl}/card.html?lead=${lead}&lang=${lang}&user=${user}`,
    listUrl: (lang = 'en', pipeline = 7700001) => `${sandboxUrl}/leads/pipeline/${pipeline}?lang=${lang}`,
    settingsUrl: (lang = 'en', user = 9001) => `${sandboxUrl}/settings/widgets/kommo_altegio?lang=${lang}&user=${user}`,
    state: async () => (await fetch(`${sandboxUrl}/__sandbox/state`)).json(),
    token: (user = 9001) => tokenAt(sandboxUrl, user),
    second: secondAccount ? { sandboxUrl: secondUrl, state: async () => (await fetch(`${secondUrl}/__sandbox/state`)).json(),
                              token: (user = 9001) => tokenAt(secondUrl, user) } : null,
    // Altegio staff make a record for the Moscow stylist for a new client; the sandbox then sends its webhook.
    staffCreates: async (datetime, name, phone) => {
      const made = await fetch(`${sandboxUrl}/__sandbox/altegio/records`, {
        method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ company_id: 400001, staff_id: 5001, services: [{ id: 7001 }], datetime, save_if_busy: true,
                               client: { name, phone } }),
      });
      if (made.status !== 201) throw new Error(`the sandbox refused the record: ${made.status} ${await made.text()}`);
      return (await made.json()).record;
    },
  };
}

// The demo: start everything, print the lead card's URL, run until Ctrl-C.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const stack = await startStack({ log: process.argv.includes('--verbose') });
  console.log('\nkommo-altegio demo is running.');
  console.log(`  Lead card (English):  ${stack.cardUrl(21001, 'en')}`);
  console.log(`  Lead card (Русский):  ${stack.cardUrl(21004, 'ru')}`);
  console.log(`  Lead card (Español):  ${stack.cardUrl(21002, 'es')}`);
  console.log(`  Leads list, with the account's Altegio records: ${stack.listUrl('en')}`);
  console.log(`  Integration settings (administrator): ${stack.settingsUrl('en')}`);
  console.log(`  Relay:                ${stack.relayUrl}   Sandbox: ${stack.sandboxUrl}`);
  console.log(`  Sandbox URLs and generated secrets: ${stack.infoFile}`);
  console.log('Press Ctrl-C to stop.');
  const shutdown = () => { stack.stop(); process.exit(0); };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
  setInterval(() => {}, 1 << 30);
}
