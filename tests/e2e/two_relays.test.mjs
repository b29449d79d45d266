// Two relays on one PostgreSQL database behind a round-robin balancer: while the sandbox sends record webhooks (150
// records changed 10 times each), spread over both relays, one relay is killed with SIGKILL midway and stays down.
// Afterwards every webhook a relay accepted is applied exactly once in Kommo (its note there once) or was superseded
// by a newer change of the same record, and each lead's notes follow the order of the record's changes: the
// surviving relay took over the dead one's claimed events without running any twice or out of turn.
// Needs the PostgreSQL server tools/with_postgres.sh starts (KB_TEST_POSTGRES_URL).
// The same at 10,000 webhooks, with its figures: bash tools/with_postgres.sh node bench/sync_scale.mjs two-relays
import { test } from 'node:test';
import { twoRelaysRun } from './sync_runs.mjs';

test('two relays on PostgreSQL, one SIGKILLed midway through 1,500 webhooks: each applied once, in order per record',
  { timeout: 600000, skip: process.env.KB_TEST_POSTGRES_URL ? false : 'needs tools/with_postgres.sh' }, async () => {
    const run = await twoRelaysRun({ serverUrl: process.env.KB_TEST_POSTGRES_URL, records: 150, changes: 10, perSecond: 100 });
    console.log(run.summary);
  });
