// Runs one scenario of ../Clients/Js/scenarios.mjs with clients/js/websocketfy.js in Debian's headless
// Chromium (/usr/bin/chromium, never a downloaded browser), driven by npm's playwright-core:
//   node js-client.mjs SCENARIO ARGUMENTS_JSON
// The page and both modules come from a small HTTP server of this script's on 127.0.0.1 (a secure
// context, where SubtleCrypto exists, and a loopback page, which Chromium's local-network checks let
// open sockets to the daemon on loopback). Prints one JSON line like node-run.mjs.
import { chromium } from 'playwright-core';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const CHROMIUM = process.env.WEBSOCKETFY_CHROMIUM ?? '/usr/bin/chromium';
const TIMEOUT_MS = 240_000;
const here = dirname(fileURLToPath(import.meta.url));
const served = {
  '/': { type: 'text/html', body: '<!doctype html><meta charset="utf-8"><title>websocketfy.js</title>' },
  '/websocketfy.js': { type: 'text/javascript', body: readFileSync(join(here, '..', '..', 'clients', 'js', 'websocketfy.js')) },
  '/scenarios.mjs': { type: 'text/javascript', body: readFileSync(join(here, '..', 'Clients', 'Js', 'scenarios.mjs')) },
};

const [name, argumentsJson] = process.argv.slice(2);
const server = createServer((request, response) => {
  const file = served[new URL(request.url, 'http://127.0.0.1').pathname];
  response.writeHead(file ? 200 : 404, { 'content-type': file?.type ?? 'text/plain' });
  response.end(file?.body ?? '');
});
await new Promise(resolve => server.listen(0, '127.0.0.1', resolve));
const origin = `http://127.0.0.1:${server.address().port}`;
const scratch = mkdtempSync(join(tmpdir(), 'websocketfy-js-client-'));
let context;
try {
  context = await chromium.launchPersistentContext(join(scratch, 'profile'), {
    executablePath: CHROMIUM, headless: true, timeout: TIMEOUT_MS,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  const page = context.pages()[0] ?? await context.newPage();
  page.setDefaultTimeout(TIMEOUT_MS);
  const pageErrors = [];
  page.on('pageerror', e => pageErrors.push(String(e)));
  await page.goto(`${origin}/`);
  const result = await page.evaluate(async ({ name, args }) => {
    const wf = await import('/websocketfy.js');
    const scenarios = await import('/scenarios.mjs');
    return { value: await scenarios[name](wf, args), userAgent: navigator.userAgent, secure: window.isSecureContext };
  }, { name, args: JSON.parse(argumentsJson ?? '{}') });
  console.log(JSON.stringify({ ok: true, result: result.value, browser: { userAgent: result.userAgent, pageErrors } }));
  process.exitCode = 0;
} catch (e) {
  console.log(JSON.stringify({ ok: false, error: String(e?.stack ?? e) }));
  process.exitCode = 1;
} finally {
  await context?.close().catch(() => {});
  rmSync(scratch, { recursive: true, force: true });
  server.close();
}
