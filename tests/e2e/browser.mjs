// Headless Debian Chromium through playwright-core (never a downloaded browser), with the flags this
// machine needs, and helpers to drive the widget's canvas as a person would.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { inflateSync } from 'node:zlib';

// The instant the browser suites hold the stack at (startStack's `clock`, then launchBrowser's `clockOffsetMs`): a
// Wednesday, 10:00 in Moscow and 08:00 in Madrid, when every employee of the seed works that day or the next and the
// day's free times are still ahead. Whatever the real day and hour, the tests see the same week.
export const heldAt = '2027-03-03T07:00:00Z';

// How long a test waits for the widget to show what it expects: generous, for a 2-core machine that is busy with
// other tests at the same time (tools/test.sh runs a CPU-bound test beside the browsers). A wait that succeeds
// returns as soon as it does, so this costs time only when a test fails.
export const patience = 60000;
const failedShots = join(dirname(fileURLToPath(import.meta.url)), '../../build/screenshots');

// `clockOffsetMs`: how far the stack's clock runs from the system's (startStack's clockOffsetMs); the pages' Date then
// runs as far ahead, so the widget's "today" is the day the sandbox and the relay are held at. Only Date moves:
// timers, animation frames and performance.now stay the browser's own. (Playwright's clock.setFixedTime also froze
// Date, but the widget then lost about one click in five.)
export async function launchBrowser({ deviceScaleFactor = 1, clockOffsetMs = 0 } = {}) {
  const profile = mkdtempSync(join(tmpdir(), 'kb-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1280, height: 1000 },
    deviceScaleFactor,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--enable-unsafe-swiftshader', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  if (clockOffsetMs) {
    await context.addInitScript((offset) => {
      const SystemDate = Date;
      class StackDate extends SystemDate {
        constructor(...args) { if (args.length) super(...args); else super(SystemDate.now() + offset); }
        static now() { return SystemDate.now() + offset; }
      }
      globalThis.Date = StackDate;
    }, clockOffsetMs);
  }
  const close = async () => { await context.close(); rmSync(profile, { recursive: true, force: true }); };
  return { context, close };
}

// Waits until the widget reports a control with this id at the same place in two frames drawn one after the
// other (a popup's items move once ImGui has measured it), and returns its rectangle in page coordinates.
// When it never comes, the page as it was is kept in build/screenshots/failed-<id>.png and the error lists the
// controls the widget showed instead.
export async function control(page, id, timeoutMs = patience) {
  try {
    return await settledControl(page, id, timeoutMs);
  } catch (error) {
    const shown = await controlIds(page).catch(() => []);
    await page.screenshot({ path: join(failedShots, `failed-${id.replace(/[^\w.-]/g, '_')}.png`) }).catch(() => {});
    error.message += `\nwaiting for ${id}; the widget showed: ${shown.join(' ')}`;
    throw error;
  }
}

async function settledControl(page, id, timeoutMs) {
  const handle = await page.waitForFunction((wanted) => {
    const hooks = window.kbWidget;
    if (!hooks) return null;
    const rect = hooks.controls()[wanted];
    if (!rect) return null;
    const canvas = hooks.canvas().getBoundingClientRect();
    const place = { x: canvas.left + rect.x, y: canvas.top + rect.y, w: rect.w, h: rect.h };
    const frame = hooks.frames();
    const seen = window.kbLastPlace;
    window.kbLastPlace = { id: wanted, place, frame };
    hooks.wake && hooks.wake();
    const settled = seen && seen.id === wanted && seen.frame !== frame && seen.place.x === place.x && seen.place.y === place.y &&
                    seen.place.w === place.w && seen.place.h === place.h;
    return settled ? place : null;
  }, id, { timeout: timeoutMs, polling: 50 });
  return handle.jsonValue();
}

// Scrolls the page (as a person would, beside the canvas) until the control is in view, then clicks it.
export async function click(page, id) {
  let r = await control(page, id);
  const viewport = page.viewportSize();
  if (r.y < 0 || r.y + r.h > viewport.height) {
    await page.evaluate((dy) => window.scrollBy(0, dy), r.y - viewport.height / 2);
    await page.waitForTimeout(50);
    r = await control(page, id);
  }
  await page.mouse.move(r.x + r.w / 2, r.y + r.h / 2);
  await page.waitForTimeout(30);
  await page.mouse.down();
  await page.waitForTimeout(30);
  await page.mouse.up();
  await page.waitForTimeout(60);
  return r;
}

// Clicks a text field and waits until the widget has made it the active one (its cursor shows), as a person
// waits before typing; keys typed earlier would be lost, as they are to anyone typing into an inactive field.
export async function focusField(page, id) {
  await click(page, id);
  await page.waitForFunction((wanted) => {
    const rect = window.kbWidget && window.kbWidget.controls()[wanted];
    return rect && rect.active;
  }, id, { timeout: patience, polling: 30 });
}

export async function controlIds(page) {
  return page.evaluate(() => (window.kbWidget ? Object.keys(window.kbWidget.controls()) : []));
}

// The colour the page shows at (x, y), as [r, g, b]: a 1x1 screenshot, read from its PNG (one pixel, so every PNG
// row filter leaves it as it is).
export async function pixelAt(page, x, y) {
  const png = await page.screenshot({ clip: { x, y, width: 1, height: 1 } });
  let at = 8, type = 0;
  const data = [];
  while (at < png.length) {
    const length = png.readUInt32BE(at), kind = png.toString('latin1', at + 4, at + 8);
    if (kind === 'IHDR') type = png[at + 8 + 9];
    if (kind === 'IDAT') data.push(png.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  const row = inflateSync(Buffer.concat(data));
  if (type !== 2 && type !== 6) throw new Error(`unexpected PNG colour type ${type}`);
  return [row[1], row[2], row[3]];
}

