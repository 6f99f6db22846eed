'use strict';
// ---------------------------------------------------------------------------------------------
// The console's user interface: SQL with the reply as a table, file requests with size, SHA-256,
// time and a preview, a history of commands and a log of connection events. Everything that
// comes from the daemon is put into the page as text (textContent), never as markup.
// ---------------------------------------------------------------------------------------------
(() => {
  const $ = (id) => document.getElementById(id);
  const el = (tag, text, className) => {
    const node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    if (className !== undefined) node.className = className;
    return node;
  };

  const MAX_TABLE_ROWS = 2000;
  const MAX_HISTORY = 100;
  const MAX_LOG = 300;

  const CLOSE_MEANINGS = {
    1000: 'normal closure (QUIT, or the daemon ended the session)',
    1001: 'going away: the daemon is shutting down, or a ping or idle time-out',
    1002: 'protocol error',
    1005: 'closed without a status code',
    1006: 'no close frame: the upgrade was refused (an Origin outside --allowed-origins, a missing or wrong token), the network failed, or the daemon stopped',
    1007: 'invalid UTF-8 in a text message',
    1008: 'policy violation (too many commands queued, or with --auth: token expired, credential revoked)',
    1009: 'message too big (--max-message-size)',
    1011: 'server error (reply too large, SiREN failed mid-reply, a file changed while sent)',
    1015: 'TLS handshake failed',
  };

  // ---- Log and history -----------------------------------------------------------------------

  function log(text, level = 'info') {
    const item = el('li');
    item.dataset.level = level;
    const now = new Date();
    item.append(el('time', now.toTimeString().slice(0, 8) + '.' + String(now.getMilliseconds()).padStart(3, '0')), text);
    const list = $('log');
    list.prepend(item);
    while (list.children.length > MAX_LOG) list.lastElementChild.remove();
  }

  const history = [];
  let historyCursor = -1;

  function remember(command) {
    if (history[0] === command) return;
    history.unshift(command);
    if (history.length > MAX_HISTORY) history.pop();
    historyCursor = -1;
    const list = $('history');
    list.replaceChildren(...history.map((entry) => {
      const item = el('li', entry.length > 200 ? entry.slice(0, 200) + '…' : entry);
      item.title = 'click: put back in the input; double-click: run again';
      item.addEventListener('click', () => reuse(entry, false));
      item.addEventListener('dblclick', () => reuse(entry, true));
      return item;
    }));
  }

  function reuse(command, run) {
    const request = /^\s*REQUEST(\s+|$)/i.exec(command);
    if (request) {
      $('path').value = command.slice(request[0].length).trim();
      if (run) requestFile();
    } else {
      $('sql').value = command;
      if (run) runSql();
    }
  }

  // ---- Connection ----------------------------------------------------------------------------

  const gateway = new GatewayConnection(GatewayConnection.urlOfDaemon());
  $('endpoint').textContent = gateway.url;

  function setStatus(state, text) {
    const status = $('status');
    status.dataset.state = state;
    status.textContent = text;
    $('reconnect').disabled = state === 'connecting';
    $('quit').disabled = state !== 'open';
    const v2 = gateway.protocol === 'v2';
    $('quit').textContent = v2 ? 'Close' : 'QUIT';
    $('quit').title = v2 ? 'Close the connection (1000): websocketfy.v2 has no QUIT' : 'Send QUIT: the daemon closes the connection with 1000';
    $('sql-binary').disabled = v2;
    $('sql-binary').parentElement.title = v2 ? 'classic protocol only: websocketfy.v2 requests are JSON text messages' : '';
  }

  gateway.addEventListener('open', (event) => {
    setStatus('open', 'connected');
    log(`connected to ${gateway.url}${event.detail.withToken ? ' with the token given' : ''}, ` +
        `${gateway.protocol === 'v2' ? 'websocketfy.v2 (clients/js/websocketfy.js)' : 'classic protocol'}`, 'ok');
  });
  gateway.addEventListener('error', (event) => {
    if (!event.detail.opened) {
      log(`could not open the WebSocket: the daemon refused the upgrade or cannot be reached. With --allowed-origins set, ` +
          `it must include this page's origin, ${location.origin}. With --auth token or jwt, enter a valid token ` +
          `(a role allowed something) and press Reconnect; after 10 wrong ones the address is refused for a minute.`, 'error');
    } else {
      log('WebSocket error (details follow with the close code)', 'error');
    }
  });
  gateway.addEventListener('notice', (event) => log(event.detail.text, 'error'));
  gateway.addEventListener('close', (event) => {
    const { code, reason, wasClean, unanswered } = event.detail;
    setStatus('closed', `closed ${code}`);
    const meaning = CLOSE_MEANINGS[code] ?? 'see RFC 6455 section 7.4';
    const parts = [`closed with code ${code}${reason ? ` "${reason}"` : ''}: ${meaning}`, wasClean ? 'clean close' : 'not a clean close'];
    if (unanswered > 0) parts.push(`${unanswered} command(s) left unanswered`);
    log(parts.join('; '), code === 1000 ? 'info' : 'error');
  });

  function connect() {
    setStatus('connecting', 'connecting');
    // Read from the field at each connect and not kept anywhere else: not in storage, cookies or the page's URL.
    gateway.connect($('token').value.trim(), $('protocol').value);
  }

  $('connect-form').addEventListener('submit', (event) => {
    event.preventDefault();
    connect();
  });
  $('protocol').addEventListener('change', connect);
  $('quit').addEventListener('click', () => {
    if (gateway.protocol === 'classic') {
      remember('QUIT');
      log('sent QUIT');
    } else {
      log('closing the connection');
    }
    gateway.quit();
  });

  // ---- SQL -----------------------------------------------------------------------------------

  let sqlSequence = 0;

  async function runSql() {
    const command = $('sql').value;
    if (command.trim() === '') return;
    const binary = $('sql-binary').checked;
    remember(command);
    const sequence = ++sqlSequence;
    $('sql-meta').textContent = 'waiting for the reply…';
    try {
      const reply = await gateway.sql(command, { binary });
      if (sequence !== sqlSequence) return; // a later command's reply owns the view
      renderSqlReply(reply);
      $('sql-meta').textContent = `${reply.kind} · ${formatBytes(reply.bytes)} · ${formatMilliseconds(reply.milliseconds)}`;
    } catch (error) {
      if (sequence === sqlSequence) $('sql-meta').textContent = `no reply: ${error.message}`;
      log(`SQL: ${error.message}`, 'error');
    } finally {
      // Counts finished commands, so a watcher (or a test) sees each one end, even with the same text.
      if (sequence === sqlSequence) $('sql-result').dataset.finished = String(sequence);
    }
  }

  /**
   * SiREN's reply: a header line of column names joined by ", ", one line per row; or an error text.
   * websocketfy.v2 brings the columns and rows split by the daemon when the split is certain; otherwise
   * (classic, or a value holding ", ") the page splits the text and marks the rows that do not fit.
   */
  function renderSqlReply({ text, columns: splitColumns, rows: splitRows, rowsAmbiguous, failed, code }) {
    const box = $('sql-result');
    $('sql-raw').textContent = text;
    if (text === '') {
      box.dataset.state = 'message';
      box.replaceChildren(el('p', 'No result body: an empty result, a DDL/DML command, or an SQL error of a plain SELECT (SiREN answers all of them with its prompt alone).', 'message'));
      return;
    }
    if (failed !== undefined) {
      box.dataset.state = 'failed';
      box.replaceChildren(el('pre', failed, 'message'));
      if (code !== undefined) box.dataset.code = code;
      else delete box.dataset.code;
      log(`SQL failed${code !== undefined ? ` (${code})` : ''}: ${failed.split('\n').slice(0, 2).join(' ')}`, 'error');
      return;
    }
    delete box.dataset.code;
    const lines = text.split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    const columns = splitColumns ?? lines[0].split(', ');
    const table = el('table');
    const headRow = el('tr');
    for (const name of columns) headRow.append(el('th', name));
    table.append(el('thead'));
    table.tHead.append(headRow);
    const body = el('tbody');
    const rows = lines.length - 1;
    let ragged = 0;
    for (let i = 1; i < lines.length && i <= MAX_TABLE_ROWS; i++) {
      const values = splitRows?.[i - 1] ?? lines[i].split(', ');
      const row = el('tr');
      if (values.length !== columns.length) {
        ragged++;
        row.className = 'ragged';
        row.title = `${values.length} values for ${columns.length} columns: a value may hold ", " or a line break (see the raw reply)`;
      }
      for (const value of values) row.append(el('td', value));
      body.append(row);
    }
    table.append(body);
    let summary = `${rows} row${rows === 1 ? '' : 's'}`;
    if (rows > MAX_TABLE_ROWS) summary += `, the first ${MAX_TABLE_ROWS} shown (the raw reply has all)`;
    if (ragged > 0) summary += `; ${ragged} row(s) do not split into ${columns.length} values`;
    if (splitRows !== undefined) summary += ' · split by the daemon (websocketfy.v2)';
    else if (rowsAmbiguous) summary += ' · the daemon left the split to the page: a value holds ", "';
    box.dataset.state = 'table';
    box.replaceChildren(table, el('div', summary, 'count'));
  }

  $('sql-form').addEventListener('submit', (event) => {
    event.preventDefault();
    runSql();
  });
  $('sql').addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      runSql();
    } else if (event.altKey && (event.key === 'ArrowUp' || event.key === 'ArrowDown')) {
      const sql = history.filter((entry) => !/^\s*(REQUEST|QUIT)\b/i.test(entry));
      if (sql.length === 0) return;
      event.preventDefault();
      historyCursor = Math.max(-1, Math.min(sql.length - 1, historyCursor + (event.key === 'ArrowUp' ? 1 : -1)));
      $('sql').value = historyCursor === -1 ? '' : sql[historyCursor];
    }
  });

  // ---- Files ---------------------------------------------------------------------------------

  let fileSequence = 0;
  let savedUrl = null;

  async function requestFile() {
    const path = $('path').value.trim();
    if (path === '') return;
    const command = `REQUEST ${path}`;
    remember(command);
    const sequence = ++fileSequence;
    showFacts([['path', path], ['state', 'waiting for the reply…']]);
    resetPreview('');
    try {
      const reply = await gateway.file(path, (received, total) => {
        if (sequence === fileSequence) showFacts([['path', path], ['state', `${formatBytes(received)} of ${formatBytes(total)}…`]]);
      });
      if (sequence !== fileSequence) return;
      if (reply.refused !== undefined) {
        showFacts([['path', path], ['reply', reply.refused], ...(reply.code !== undefined ? [['code', reply.code]] : [])]);
        log(`REQUEST ${path}: ${reply.refused}`, 'error');
        return;
      }
      await showFile(path, reply, sequence);
    } catch (error) {
      if (sequence === fileSequence) showFacts([['path', path], ['error', error.message]]);
      log(`REQUEST: ${error.message}`, 'error');
    }
  }

  async function showFile(path, reply, sequence) {
    const buffer = reply.data;
    const seconds = reply.milliseconds / 1000;
    const facts = [
      ['path', path],
      ['size', `${buffer.byteLength.toLocaleString('en')} bytes (${formatBytes(buffer.byteLength)})`],
      ['time', `${formatMilliseconds(reply.milliseconds)}${seconds > 0 ? ` · ${formatBytes(buffer.byteLength / seconds)}/s` : ''}`],
      ['sha256', 'computing…'],
    ];
    showFacts(facts);
    offerSave(path, buffer);
    const digest = sha256Hex(buffer);
    const kind = sniffFileKind(buffer, path);
    await drawPreview(buffer, kind, path);
    const sha = await digest;
    if (sequence !== fileSequence) return;
    facts[3][1] = sha;
    facts.push(['kind', kind ?? 'no preview for this kind of file']);
    if (reply.checked) facts.push(['checked', 'equal to the daemon\u2019s SHA-256 of what it sent (websocketfy.v2)']);
    showFacts(facts);
    $('file-facts').dataset.state = 'done';
  }

  async function sha256Hex(buffer) {
    if (!window.isSecureContext || !crypto.subtle) {
      return 'unavailable: the browser computes SHA-256 only in a secure context (https, or http on loopback)';
    }
    const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', buffer));
    return Array.from(hash, (b) => b.toString(16).padStart(2, '0')).join('');
  }

  function showFacts(facts) {
    const list = $('file-facts');
    list.dataset.state = 'shown';
    list.replaceChildren();
    for (const [name, value] of facts) {
      const term = el('dt', name);
      const detail = el('dd', value);
      detail.dataset.fact = name;
      list.append(term, detail);
    }
  }

  function offerSave(path, buffer) {
    if (savedUrl !== null) URL.revokeObjectURL(savedUrl);
    savedUrl = URL.createObjectURL(new Blob([buffer]));
    const link = $('save');
    link.href = savedUrl;
    link.download = path.split('/').pop() || 'file';
    link.hidden = false;
  }

  $('file-form').addEventListener('submit', (event) => {
    event.preventDefault();
    requestFile();
  });

  // ---- Preview -------------------------------------------------------------------------------

  /** What the preview shows now: for DICOM, the decoded image, its window and the header. */
  let dicom = null;

  function resetPreview(note) {
    dicom = null;
    $('preview').dataset.state = 'empty';
    delete $('preview').dataset.kind;
    $('dicom-panel').hidden = true;
    $('window-width').textContent = $('window-center').textContent = '';
    $('preview-note').textContent = note;
  }

  async function drawPreview(buffer, kind, path) {
    try {
      if (kind === 'dicom') return drawDicom(buffer);
      if (kind === 'pgm') {
        const { width, height, grey } = decodePgm(buffer);
        return drawGrey(width, height, grey, 'pgm');
      }
      if (kind !== null) {
        const bitmap = await createImageBitmap(new Blob([buffer], { type: `image/${kind}` }));
        const canvas = sizeCanvas(bitmap.width, bitmap.height);
        canvas.getContext('2d').drawImage(bitmap, 0, 0);
        bitmap.close();
        return shown(kind);
      }
      resetPreview('No preview: not an image the console knows (PNG, JPEG, GIF, WebP, BMP, PGM, DICOM).');
    } catch (error) {
      resetPreview(`No preview: ${error.message}`);
      log(`preview of ${path}: ${error.message}`, 'error');
    }
  }

  function sizeCanvas(width, height) {
    const canvas = $('preview-canvas');
    canvas.width = width;
    canvas.height = height;
    // Small images are scaled up in whole steps, so each pixel stays a sharp square.
    const scale = Math.max(1, Math.floor(384 / Math.max(width, height)));
    canvas.style.width = `${width * scale}px`;
    canvas.style.height = `${height * scale}px`;
    return canvas;
  }

  function shown(kind) {
    const preview = $('preview');
    preview.dataset.kind = kind;
    preview.dataset.state = 'drawn';
  }

  function drawGrey(width, height, grey, kind) {
    const canvas = sizeCanvas(width, height);
    const context = canvas.getContext('2d');
    const image = context.createImageData(width, height);
    for (let i = 0, j = 0; i < grey.length; i++, j += 4) {
      image.data[j] = image.data[j + 1] = image.data[j + 2] = grey[i];
      image.data[j + 3] = 255;
    }
    context.putImageData(image, 0, 0);
    shown(kind);
  }

  function drawDicom(buffer) {
    const parsed = parseDicom(buffer);
    const image = dicomImage(buffer, parsed);
    const initial = image.window ?? fullRangeWindow(image);
    dicom = { parsed, image, initial, window: { ...initial }, grey: new Uint8ClampedArray(image.values.length) };
    renderDicomFields();
    $('dicom-panel').hidden = false;
    $('preview-note').textContent = image.window
      ? ''
      : 'No window in the header: the window spans the image\u2019s values.';
    redrawDicom();
  }

  function redrawDicom() {
    const { image, window, grey } = dicom;
    applyWindow(image, window, grey);
    drawGrey(image.width, image.height, grey, 'dicom');
    $('window-width').textContent = formatNumber(window.width);
    $('window-center').textContent = formatNumber(window.center);
  }

  function renderDicomFields() {
    const showPatient = $('show-patient').checked;
    const rows = [];
    const syntax = DICOM_TRANSFER_SYNTAXES[dicom.parsed.transferSyntax];
    rows.push(['Transfer syntax', syntax ? `${syntax.name} (${dicom.parsed.transferSyntax})` : dicom.parsed.transferSyntax, false]);
    let hidden = 0;
    for (const field of dicom.parsed.fields.values()) {
      if (field.keyword === 'TransferSyntaxUID') continue;
      if (field.patient && !showPatient) { hidden++; continue; }
      rows.push([field.keyword, field.value, field.patient]);
    }
    const body = $('dicom-fields').tBodies[0];
    body.replaceChildren(...rows.map(([name, value, patient]) => {
      const row = el('tr');
      if (patient) row.className = 'patient';
      row.append(el('td', name), el('td', value));
      return row;
    }));
    $('show-patient').parentElement.lastChild.textContent = hidden > 0
      ? ` show patient fields (${hidden} hidden)`
      : ' show patient fields';
  }

  $('show-patient').addEventListener('change', () => {
    if (dicom !== null) renderDicomFields();
  });

  // Window/level with the mouse: horizontal drag changes the width, vertical the level.
  let drag = null;
  const canvas = $('preview-canvas');
  canvas.addEventListener('pointerdown', (event) => {
    if (dicom === null || event.button !== 0) return;
    canvas.setPointerCapture(event.pointerId);
    const range = Math.max(1, dicom.image.max - dicom.image.min);
    drag = { x: event.clientX, y: event.clientY, start: { ...dicom.window }, perPixel: Math.max(range / 256, 0.05) };
  });
  canvas.addEventListener('pointermove', (event) => {
    if (drag === null || dicom === null) return;
    dicom.window = {
      width: Math.max(1, drag.start.width + (event.clientX - drag.x) * drag.perPixel),
      center: drag.start.center - (event.clientY - drag.y) * drag.perPixel,
    };
    redrawDicom();
  });
  const endDrag = () => { drag = null; };
  canvas.addEventListener('pointerup', endDrag);
  canvas.addEventListener('pointercancel', endDrag);
  canvas.addEventListener('dblclick', () => {
    if (dicom === null) return;
    dicom.window = { ...dicom.initial };
    redrawDicom();
  });

  // ---- Formatting ----------------------------------------------------------------------------

  function formatBytes(n) {
    const units = ['B', 'KiB', 'MiB', 'GiB'];
    let unit = 0;
    while (n >= 1024 && unit < units.length - 1) { n /= 1024; unit++; }
    return `${unit === 0 ? Math.round(n) : n.toFixed(1)} ${units[unit]}`;
  }

  function formatMilliseconds(ms) {
    return ms < 1000 ? `${ms.toFixed(1)} ms` : `${(ms / 1000).toFixed(2)} s`;
  }

  function formatNumber(n) {
    return Number.isInteger(n) ? String(n) : n.toFixed(1);
  }

  connect();
})();
