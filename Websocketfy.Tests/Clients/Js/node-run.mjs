// Runs one scenario of scenarios.mjs with clients/js/websocketfy.js in Node:
//   node --experimental-websocket node-run.mjs SCENARIO ARGUMENTS_JSON
// Prints one JSON line: {"ok": true, "result": ...} or {"ok": false, "error": "..."} (exit code 1).
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import * as scenarios from './scenarios.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const wf = await import(join(here, '..', '..', '..', 'clients', 'js', 'websocketfy.js'));
const [name, argumentsJson] = process.argv.slice(2);
try {
  if (typeof globalThis.WebSocket !== 'function') throw new Error('this Node has no WebSocket (Node 20 needs --experimental-websocket)');
  const result = await scenarios[name](wf, JSON.parse(argumentsJson ?? '{}'));
  console.log(JSON.stringify({ ok: true, result }));
  process.exit(0);
} catch (e) {
  console.log(JSON.stringify({ ok: false, error: String(e?.stack ?? e) }));
  process.exit(1);
}
