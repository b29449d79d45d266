// What the security tests ask of a running stack (tools/stack.mjs) as its users and Kommo would, and of its SQLite
// database as a thief (or an operator) with the sqlite3 shell would.
import { execFileSync, spawn } from 'node:child_process';

// Every event the relay's inbox holds, whatever its state (the workers move them on as they run), from /metrics.
export async function inboxTotal(stack) {
  const text = await (await fetch(`${stack.relayUrl}/metrics`)).text();
  return [...text.matchAll(/^kb_inbox_events\{state="\w+"\} (\d+)$/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
}

// Runs `statement` on the stack's SQLite database with the sqlite3 shell (waiting up to 5 s for a lock); its output.
export function sql(stack, statement) {
  return execFileSync('sqlite3', ['-cmd', '.timeout 5000', stack.databasePath, statement]).toString().trim();
}

// A database shell (sqlite3, psql) that runs `statements` in a transaction and holds the locks they take until
// released: `locked` resolves once they are taken, `release()` rolls back and resolves when the shell has exited.
export function holdLocks(command, args, statements) {
  const shell = spawn(command, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  shell.stdin.write(`${statements}\nSELECT 'locked';\n`);
  const locked = new Promise((resolve) => shell.stdout.on('data', (chunk) => { if (String(chunk).includes('locked')) resolve(); }));
  const release = () => new Promise((resolve) => {
    shell.on('exit', resolve);
    shell.stdin.end('ROLLBACK;\n');
  });
  return { locked, release };
}
