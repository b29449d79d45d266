// Speaks HTTP/1.1 over a bare socket, as an attacker would: whatever bytes the test writes go out as they are,
// and everything the server answers until it closes the connection (or `waitMs` passes) comes back.
import { connect } from 'node:net';

export function exchange(url, bytes, { waitMs = 3000, pauseAfter } = {}) {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) });
    const chunks = [];
    let closed = false;
    const finish = () => { clearTimeout(timer); socket.destroy(); resolve({ text: Buffer.concat(chunks).toString('latin1'), closed }); };
    const timer = setTimeout(finish, waitMs);
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('end', () => { closed = true; finish(); });
    socket.on('close', () => { closed = true; finish(); });
    socket.on('error', (error) => (error.code === 'ECONNRESET' || error.code === 'EPIPE' ? (closed = true, finish()) : reject(error)));
    socket.on('connect', () => {
      const parts = Array.isArray(bytes) ? bytes : [bytes];
      let n = 0;
      const next = () => {
        if (n >= parts.length || socket.destroyed) return;
        socket.write(parts[n++], () => (pauseAfter ? setTimeout(next, pauseAfter) : next()));
      };
      next();
    });
  });
}

// The status lines of every answer in a raw reply ("HTTP/1.1 400 Bad Request" → 400). An answer right behind a
// body that ends without a newline counts too.
export function statuses(text) {
  return [...text.matchAll(/HTTP\/1\.[01] (\d{3}) /g)].map((m) => Number(m[1]));
}

// The JSON body of the first answer.
export function firstBody(text) {
  const start = text.indexOf('\r\n\r\n');
  const rest = text.slice(start + 4);
  const end = rest.indexOf('HTTP/1.');
  return rest.slice(0, end < 0 ? undefined : end);
}
