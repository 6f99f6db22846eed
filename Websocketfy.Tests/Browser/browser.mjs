// Drives Debian's headless Chromium (/usr/bin/chromium, never a downloaded browser) through
// playwright-core for the NUnit Browser tests.
//
//   node browser.mjs SCENARIO ARGUMENTS_JSON
//
// Prints exactly one JSON object on stdout: { "ok": true, "result": ..., "page": {...} } or
// { "ok": false, "error": "..." } (exit code 1). The C# tests hold every expectation; this script
// only acts and reports what the page saw.
//
// Scenarios:
//   websocket  load ARGUMENTS.url (the console page, served by the daemon), then run ARGUMENTS.steps
//              with the page's own WebSocket (binaryType 'arraybuffer') and report each reply:
//              { command, binary?, sha256?, decodeImage?, asText? }, { pipeline: [steps] }, { quit: true },
//              { where: true } (the page's protocol and the socket's URL).
//   console    load the console page, wait until its connection opened or closed, then run
//              ARGUMENTS.actions through the page's user interface ({ sql }, { file }, { showPatient }, { drag },
//              { token } types a token and reconnects, { protocol: 'v2'|'classic' } picks the protocol (and
//              reconnects), { quit }, { screenshot }); screenshots go to ARGUMENTS.outputDir.
//
// ARGUMENTS.trustCertificate (optional): a PEM CA certificate the browser trusts for this run, put in
// an NSS database in a temporary HOME (Chromium on Linux reads $HOME/.pki/nssdb).

import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CHROMIUM = process.env.WEBSOCKETFY_CHROMIUM ?? '/usr/bin/chromium';
const QUIET_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run'];
const STEP_TIMEOUT_MS = 120_000;

async function main() {
  const [scenario, argumentsJson] = process.argv.slice(2);
  const args = JSON.parse(argumentsJson ?? '{}');
  const scratch = mkdtempSync(join(tmpdir(), 'websocketfy-chromium-'));
  const home = join(scratch, 'home');
  mkdirSync(home);
  if (args.trustCertificate) trustInNss(home, args.trustCertificate);
  let context;
  try {
    context = await chromium.launchPersistentContext(join(scratch, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: QUIET_FLAGS,
      env: { ...process.env, HOME: home },
      viewport: { width: 1400, height: 900 },
      timeout: STEP_TIMEOUT_MS,
    });
    const page = context.pages()[0] ?? await context.newPage();
    page.setDefaultTimeout(STEP_TIMEOUT_MS);
    const seen = await watch(page);
    const response = await page.goto(args.url);
    const loaded = { status: response?.status() ?? 0, csp: response?.headers()['content-security-policy'] ?? null };
    let result;
    if (scenario === 'websocket') result = await page.evaluate(runSocketSteps, { steps: args.steps, timeoutMs: STEP_TIMEOUT_MS });
    else if (scenario === 'console') result = await runConsole(page, args);
    else throw new Error(`unknown scenario ${scenario}`);
    const version = context.browser()?.version() ?? null;
    print({ ok: true, result, page: { ...loaded, ...seen, browserVersion: version } });
  } finally {
    await context?.close().catch(() => {});
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Console messages and uncaught errors of the page; CSP violations are collected in the page itself. */
async function watch(page) {
  const seen = { consoleErrors: [], pageErrors: [] };
  page.on('console', (message) => {
    if (message.type() === 'error') seen.consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => seen.pageErrors.push(String(error)));
  await page.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  return seen;
}

function trustInNss(home, certificatePath) {
  const db = join(home, '.pki', 'nssdb');
  mkdirSync(db, { recursive: true });
  execFileSync('certutil', ['-d', `sql:${db}`, '-N', '--empty-password']);
  execFileSync('certutil', ['-d', `sql:${db}`, '-A', '-t', 'C,,', '-n', 'websocketfy-test-ca', '-i', certificatePath]);
}

function print(object) {
  process.stdout.write(JSON.stringify(object) + '\n');
}

// ---- websocket: runs inside the page ----------------------------------------------------------

/** Runs in the page: one WebSocket to the daemon that served it, the steps one after another. */
async function runSocketSteps({ steps, timeoutMs }) {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const socket = new WebSocket(`${scheme}//${location.host}/`);
  socket.binaryType = 'arraybuffer';
  const inbox = [];
  let waiter = null;
  let closed = null;
  socket.onmessage = (event) => { inbox.push(event.data); waiter?.(); };
  socket.onclose = (event) => { closed = { code: event.code, reason: event.reason, wasClean: event.wasClean }; waiter?.(); };
  const until = (condition, what) => new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), timeoutMs);
    const check = () => {
      if (condition()) { clearTimeout(timer); waiter = null; resolve(); }
      else if (closed !== null && what !== 'the close') { clearTimeout(timer); waiter = null; reject(new Error(`closed ${closed.code} while waiting for ${what}`)); }
    };
    waiter = check;
    check();
  });
  await new Promise((resolve, reject) => {
    socket.onopen = resolve;
    socket.onerror = () => reject(new Error('the WebSocket did not open'));
  });
  const send = (step) => socket.send(step.binary ? new TextEncoder().encode(step.command) : step.command);
  const describe = async (data, step) => {
    if (typeof data === 'string') return { opcode: 'text', text: data };
    const reply = { opcode: 'binary', length: data.byteLength, isArrayBuffer: data instanceof ArrayBuffer };
    if (step.sha256) {
      const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', data));
      reply.sha256 = Array.from(hash, (b) => b.toString(16).padStart(2, '0')).join('');
    }
    if (step.decodeImage) {
      const bitmap = await createImageBitmap(new Blob([data], { type: step.decodeImage }));
      reply.image = { width: bitmap.width, height: bitmap.height };
      bitmap.close();
    }
    if (step.asText) reply.text = new TextDecoder().decode(data);
    return reply;
  };

  const results = [];
  for (const step of steps) {
    try {
      if (step.where) {
        results.push({ pageProtocol: location.protocol, socketUrl: socket.url, secureContext: window.isSecureContext });
      } else if (step.quit) {
        socket.send('QUIT');
        await until(() => closed !== null, 'the close');
        results.push({ close: closed });
      } else if (step.pipeline) {
        for (const command of step.pipeline) send(command);
        await until(() => inbox.length >= step.pipeline.length, `${step.pipeline.length} replies`);
        const replies = inbox.splice(0, step.pipeline.length);
        results.push({ replies: await Promise.all(replies.map((data, i) => describe(data, step.pipeline[i]))) });
      } else {
        send(step);
        await until(() => inbox.length >= 1, 'the reply');
        results.push(await describe(inbox.shift(), step));
      }
    } catch (error) {
      results.push({ error: String(error.message ?? error) });
    }
  }
  if (socket.readyState === WebSocket.OPEN) socket.close(1000);
  return results;
}

// ---- console: drives the page's user interface -------------------------------------------------

async function runConsole(page, args) {
  await page.waitForFunction(() => ['open', 'closed'].includes(document.getElementById('status').dataset.state));
  const result = { status: await statusOf(page), actions: [] };
  for (const action of args.actions ?? []) result.actions.push(await runAction(page, action, args));
  result.cspViolations = await page.evaluate(() => window.__cspViolations);
  result.log = await logOf(page);
  return result;
}

async function statusOf(page) {
  return page.evaluate(() => ({ state: document.getElementById('status').dataset.state, text: document.getElementById('status').textContent }));
}

async function logOf(page) {
  return page.evaluate(() => Array.from(document.querySelectorAll('#log li'), (li) => ({ level: li.dataset.level, text: li.textContent })));
}

async function runAction(page, action, args) {
  try {
    if (action.sql !== undefined) return await runSql(page, action);
    if (action.file !== undefined) return await openFile(page, action, args);
    if (action.showPatient !== undefined) {
      await page.setChecked('#show-patient', action.showPatient);
      return { fields: await dicomFields(page) };
    }
    if (action.drag !== undefined) return await dragOnPreview(page, action);
    if (action.token !== undefined) return await connectWithToken(page, action.token);
    if (action.protocol !== undefined) {
      await page.selectOption('#protocol', action.protocol);
      await page.waitForFunction(() => ['open', 'closed'].includes(document.getElementById('status').dataset.state));
      return { status: await statusOf(page), log: await logOf(page) };
    }
    if (action.quit) {
      await page.click('#quit');
      await page.waitForFunction(() => document.getElementById('status').dataset.state === 'closed');
      return { status: await statusOf(page), log: await logOf(page) };
    }
    if (action.screenshot !== undefined) return { screenshot: await screenshot(page, action.screenshot, args) };
    throw new Error(`unknown action ${JSON.stringify(action)}`);
  } catch (error) {
    return { error: String(error.message ?? error) };
  }
}

async function runSql(page, action) {
  await page.fill('#sql', action.sql);
  // websocketfy.v2 has no binary commands: the page disables the box then, and only a binary action needs it.
  if (action.binary === true || await page.isEnabled('#sql-binary')) await page.setChecked('#sql-binary', action.binary === true);
  const before = await page.evaluate(() => document.getElementById('sql-result').dataset.finished ?? '0');
  await page.click('#run');
  await page.waitForFunction((finished) => (document.getElementById('sql-result').dataset.finished ?? '0') !== finished, before);
  return page.evaluate(() => {
    const box = document.getElementById('sql-result');
    const table = box.querySelector('table');
    return {
      state: box.dataset.state,
      meta: document.getElementById('sql-meta').textContent,
      headers: table ? Array.from(table.tHead.rows[0].cells, (c) => c.textContent) : null,
      rows: table ? Array.from(table.tBodies[0].rows, (r) => Array.from(r.cells, (c) => c.textContent)) : null,
      message: box.querySelector('.message')?.textContent ?? null,
      code: box.dataset.code ?? null,
      count: box.querySelector('.count')?.textContent ?? null,
      raw: document.getElementById('sql-raw').textContent,
      history: Array.from(document.querySelectorAll('#history li'), (li) => li.textContent),
    };
  });
}

async function openFile(page, action, args) {
  await page.fill('#path', action.file);
  await page.evaluate(() => { document.getElementById('file-facts').dataset.state = 'empty'; });
  await page.click('#fetch');
  await page.waitForFunction(() => {
    const facts = document.getElementById('file-facts');
    return facts.dataset.state === 'done' || facts.querySelector('[data-fact=reply], [data-fact=error]') !== null;
  });
  const shown = {
    facts: await page.evaluate(() => Object.fromEntries(Array.from(document.querySelectorAll('#file-facts dd'), (dd) => [dd.dataset.fact, dd.textContent]))),
    note: await page.textContent('#preview-note'),
    preview: await previewOf(page, action.samples ?? []),
    fields: await dicomFields(page),
  };
  if (action.screenshot) shown.screenshot = await screenshot(page, action.screenshot, args);
  return shown;
}

/** Types a token and presses Reconnect; reports the connection, the log, and every place the page could have kept the token. */
async function connectWithToken(page, token) {
  await page.fill('#token', token);
  await page.click('#reconnect');
  await page.waitForFunction(() => ['open', 'closed'].includes(document.getElementById('status').dataset.state));
  const kept = await page.evaluate((secret) => ({
    localStorage: Object.keys(localStorage).length,
    sessionStorage: Object.keys(sessionStorage).length,
    cookie: document.cookie,
    pageUrl: location.href,
    endpoint: document.getElementById('endpoint').textContent,
    fieldType: document.getElementById('token').type,
    inMarkup: secret !== '' && document.documentElement.outerHTML.includes(secret),
    inText: secret !== '' && document.body.innerText.includes(secret),
  }), token);
  return { status: await statusOf(page), log: await logOf(page), kept };
}

async function dragOnPreview(page, action) {
  const box = await page.locator('#preview-canvas').boundingBox();
  const x = box.x + box.width / 2;
  const y = box.y + box.height / 2;
  await page.mouse.move(x, y);
  await page.mouse.down();
  await page.mouse.move(x + action.drag.dx / 2, y + action.drag.dy / 2, { steps: 4 });
  await page.mouse.move(x + action.drag.dx, y + action.drag.dy, { steps: 4 });
  await page.mouse.up();
  return { preview: await previewOf(page, action.samples ?? []) };
}

async function dicomFields(page) {
  return page.evaluate(() => {
    if (document.getElementById('dicom-panel').hidden) return null;
    return Object.fromEntries(Array.from(document.querySelectorAll('#dicom-fields tr'), (tr) => [tr.cells[0].textContent, tr.cells[1].textContent]));
  });
}

/** The preview canvas: its size, how many pixels are not black, how many grey levels, and chosen pixels. */
async function previewOf(page, samples) {
  return page.evaluate((points) => {
    const preview = document.getElementById('preview');
    const canvas = document.getElementById('preview-canvas');
    const out = { state: preview.dataset.state, kind: preview.dataset.kind ?? null, width: canvas.width, height: canvas.height };
    if (canvas.width === 0 || canvas.height === 0) return out;
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let opaque = 0;
    let notBlack = 0;
    const levels = new Set();
    for (let i = 0; i < data.length; i += 4) {
      if (data[i + 3] === 255) opaque++;
      if (data[i] !== 0 || data[i + 1] !== 0 || data[i + 2] !== 0) notBlack++;
      levels.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
    }
    out.opaque = opaque;
    out.notBlack = notBlack;
    out.distinctColours = levels.size;
    out.samples = points.map(([x, y]) => Array.from(data.slice((y * canvas.width + x) * 4, (y * canvas.width + x) * 4 + 4)));
    out.windowWidth = document.getElementById('window-width').textContent;
    out.windowCenter = document.getElementById('window-center').textContent;
    return out;
  }, samples);
}

async function screenshot(page, name, args) {
  const path = join(args.outputDir, name);
  await page.screenshot({ path, fullPage: true });
  return path;
}

main().catch((error) => {
  print({ ok: false, error: String(error?.stack ?? error) });
  process.exitCode = 1;
});
