// Headless Debian Chromium through playwright-core (never a downloaded browser), with the flags this
// machine needs, and helpers to drive the widget's canvas as a person would.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

export async function launchBrowser({ deviceScaleFactor = 1 } = {}) {
  const profile = mkdtempSync(join(tmpdir(), 'kb-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1280, height: 1000 },
    deviceScaleFactor,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--enable-unsafe-swiftshader', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const close = async () => { await context.close(); rmSync(profile, { recursive: true, force: true }); };
  return { context, close };
}

// Waits until the widget reports a control with this id at the same place in two frames drawn one after the
// other (a popup's items move once ImGui has measured it), and returns its rectangle in page coordinates.
export async function control(page, id, timeoutMs = 15000) {
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
  }, id, { timeout: 15000, polling: 30 });
}

export async function controlIds(page) {
  return page.evaluate(() => (window.kbWidget ? Object.keys(window.kbWidget.controls()) : []));
}
