// Scenarios for clients/js/websocketfy.js, run unchanged in Node (node-run.mjs) and in headless
// Chromium (../../Browser/js-client.mjs). Each acts through the client's public API only and reports what it
// saw as plain JSON; the C# tests (JsClientTests.cs) hold every expectation.

/** Everything but resume, against a daemon with ARGS.file (small), ARGS.big (several chunks). */
export async function tour(wf, args) {
  const report = {};
  const client = await wf.connect(args.url, { maxInFlight: args.maxInFlight });

  report.select = await client.sql(args.select);
  report.ambiguous = await client.sql("SELECT 'x, y' AS v");
  report.sirenError = await failure(client.sql("FOO BAR"));

  report.stat = await client.stat(args.file, { sha256: true });
  report.stat.mtime = report.stat.mtime.toISOString();
  report.statMissing = await failure(client.stat("no/such.dcm"));

  const progress = [];
  const whole = await client.get(args.file, { sha256: true, onProgress: p => progress.push(p) });
  report.whole = { bytes: whole.byteLength, sha256: await wf.sha256Hex(new Uint8Array(whole)), progress };
  const range = await client.get(args.file, { offset: args.rangeOffset, length: args.rangeLength, sha256: true });
  report.range = { bytes: range.byteLength, sha256: await wf.sha256Hex(new Uint8Array(range)) };
  report.badRange = await failure(client.get(args.file, { offset: args.beyond }));
  report.missingPath = await failure(client.get(""));

  // A query sent while a large download runs is answered first.
  const finished = [];
  const big = client.get(args.big, { sha256: true }).then(b => { finished.push("get"); return b; });
  const during = client.sql(args.select).then(r => { finished.push("sql"); return r; });
  const [bigBytes] = await Promise.all([big, during]);
  report.concurrent = { finished, bigSha256: await wf.sha256Hex(new Uint8Array(bigBytes)) };

  // Cancel once the first chunk arrived.
  let firstChunk;
  const started = new Promise(resolve => { firstChunk = resolve; });
  const doomed = client.get(args.big, { onProgress: firstChunk });
  await started;
  await client.cancel(doomed);
  report.cancelled = await failure(doomed);

  // More requests than the in-flight bound: the client queues the rest, none is refused.
  const many = await Promise.allSettled(Array.from({ length: args.many }, () => client.stat(args.file)));
  report.many = { fulfilled: many.filter(r => r.status === "fulfilled").length, rejected: many.filter(r => r.status === "rejected").map(r => r.reason.code) };

  client.close();
  report.afterClose = await failure(client.sql(args.select));
  return report;
}

/** One verified download through ARGS.url (a relay that cuts the first connection midway). */
export async function resume(wf, args) {
  const client = await wf.connect(args.url);
  const offsets = [];
  let last = -1;
  const bytes = await client.get(args.file, {
    sha256: true,
    onProgress: p => { if (p.offset <= last) offsets.push(p.offset); last = p.offset; },
  });
  const report = { bytes: bytes.byteLength, sha256: await wf.sha256Hex(new Uint8Array(bytes)), lastOffset: last, backwards: offsets };
  report.afterResume = (await client.sql(args.select)).rows.length;
  client.close();
  return report;
}

/** A server that does not speak v2 (or refuses the connection) gives a typed error. */
export async function refused(wf, args) {
  return await failure(wf.connect(args.url));
}

async function failure(promise) {
  try {
    await promise;
    return { code: null };
  } catch (e) {
    return { code: e.code ?? String(e), message: e.message, isTyped: e instanceof Error && e.name === "WebsocketfyError" };
  }
}
