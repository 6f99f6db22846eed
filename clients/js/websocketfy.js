// websocketfy.js: a dependency-free ES module for the websocketfy.v2 subprotocol (docs/protocol.md,
// "websocketfy.v2"). It runs in browsers and in any runtime with the standard WebSocket and
// SubtleCrypto APIs (Node 20 with --experimental-websocket, Node 22+, Deno).
//
//   import { connect, WebsocketfyError } from "./websocketfy.js";
//   const wf = await connect("wss://gateway.example/ws?access_token=...");
//   const { text, columns, rows } = await wf.sql("SELECT * FROM images");
//   const bytes = await wf.get("study1/img001.dcm", { sha256: true, onProgress: p => bar(p.received / p.total) });
//   const { size, mtime } = await wf.stat("study1/img001.dcm");
//   const request = wf.get("big.dcm"); wf.cancel(request);   // request rejects with code "cancelled"
//
// Requests run concurrently on one connection. A get that loses its connection (Wi-Fi drop,
// daemon restart) resumes from the last byte it received on a new connection, up to `resumes`
// times; other requests in flight then reject with code "connection_lost" (an SQL statement is
// not repeated: it may have been a write).

export const SUBPROTOCOL = "websocketfy.v2";

/** A typed failure: `code` is the server's error code (PROTOCOL-V2.md) or one of the client's own:
 *  "connection_lost", "closed", "not_v2", "connect_failed", "sha256_mismatch", "changed", "protocol". */
export class WebsocketfyError extends Error {
  constructor(code, message, details = {}) {
    super(message);
    this.name = "WebsocketfyError";
    this.code = code;
    Object.assign(this, details);
  }
}

const MAX_ID = 2147483647;
const PREFIX_BYTES = 12;

/** Opens a v2 connection. Options: maxInFlight (requests the client sends before it queues the rest;
 *  the daemon's v2-max-in-flight, default 16), resumes (reconnections a get may use, default 3),
 *  WebSocket (a constructor, for runtimes without a global one). */
export async function connect(url, options = {}) {
  const client = new Client(url, options);
  await client._open();
  return client;
}

class Client {
  constructor(url, options) {
    this.url = url;
    this._WebSocket = options.WebSocket ?? globalThis.WebSocket;
    if (!this._WebSocket) throw new WebsocketfyError("connect_failed", "this runtime has no WebSocket");
    this._maxInFlight = options.maxInFlight ?? 16;
    this._resumes = options.resumes ?? 3;
    this._nextId = 1;
    this._pending = new Map();  // id -> request in flight on the current socket
    this._queue = [];           // requests waiting for room under maxInFlight
    this._socket = null;
    this._closedByUser = false;
    this._reconnecting = null;
    this.onclose = null;        // called once with {code, reason} when the connection is gone for good
  }

  /** Runs `sql` on SiREN: {text, columns?, rows?, rowsAmbiguous?}. */
  sql(text) {
    return this._submit({ op: "sql", sql: String(text) }, (request, message) => {
      const result = { text: message.text };
      if (message.columns) { result.columns = message.columns; result.rows = message.rows; }
      if (message.rows_ambiguous) result.rowsAmbiguous = true;
      request.resolve(result);
    });
  }

  /** The file's {size, mtime (a Date), sha256?}. */
  stat(path, { sha256 = false } = {}) {
    return this._submit({ op: "stat", path: String(path), sha256: !!sha256 }, (request, message) => {
      const stat = { size: message.stat.size, mtime: new Date(message.stat.mtime) };
      if (message.stat.sha256) stat.sha256 = message.stat.sha256;
      request.resolve(stat);
    });
  }

  /** Downloads bytes [offset, offset + length) of a file (length: to the end) into an ArrayBuffer.
   *  sha256: verify what arrived against the daemon's SHA-256 (SubtleCrypto). onProgress({received,
   *  total, offset}) after every chunk. An interrupted download resumes on a new connection. */
  get(path, { offset = 0, length, sha256 = false, onProgress } = {}) {
    const transfer = {
      path: String(path), offset, length, sha256: !!sha256, onProgress,
      buffer: null, total: null, received: 0, size: null, mtime: null, resumesLeft: this._resumes,
      segmentStart: 0, segmentHashes: [],
    };
    return this._submit(this._getRequest(transfer), null, transfer);
  }

  /** Stops a request (its promise, or its id): it rejects with code "cancelled". Resolves when the
   *  daemon confirmed; a request already finished or not yet sent is handled without asking it. */
  cancel(target) {
    const id = typeof target === "number" ? target : target?.id;
    const queued = this._queue.findIndex(r => r.id === id);
    if (queued >= 0) {
      const [request] = this._queue.splice(queued, 1);
      request.reject(new WebsocketfyError("cancelled", "cancelled before it was sent", { id }));
      return Promise.resolve();
    }
    if (!this._pending.has(id)) return Promise.resolve();
    return this._submit({ op: "cancel", target: id }, (request) => request.resolve());
  }

  /** Closes the connection; requests still in flight reject with code "closed". */
  close() {
    this._closedByUser = true;
    const error = new WebsocketfyError("closed", "the client closed the connection");
    this._failAll(error, false);
    this._socket?.close(1000);
  }

  get inFlight() { return this._pending.size + this._queue.length; }

  // ---- the connection ------------------------------------------------------------------------

  _open() {
    return new Promise((resolve, reject) => {
      let socket;
      try {
        socket = new this._WebSocket(this.url, SUBPROTOCOL);
      } catch (e) {
        reject(new WebsocketfyError("connect_failed", String(e?.message ?? e)));
        return;
      }
      socket.binaryType = "arraybuffer";
      let opened = false;
      socket.onopen = () => {
        if (socket.protocol !== SUBPROTOCOL) {
          socket.close(1000);
          reject(new WebsocketfyError("not_v2", `the server did not agree to ${SUBPROTOCOL}`));
          return;
        }
        opened = true;
        this._socket = socket;
        resolve();
      };
      socket.onmessage = event => {
        try {
          if (typeof event.data === "string") this._onText(event.data);
          else this._onChunk(event.data);
        } catch (e) {
          // A reply this client cannot read: say so on every request rather than hang.
          this._failAll(new WebsocketfyError("protocol", String(e?.message ?? e)), false);
          socket.close(1002);
        }
      };
      socket.onclose = event => {
        if (!opened) { reject(new WebsocketfyError("connect_failed", `closed before open (${event.code})`, { closeCode: event.code })); return; }
        if (socket === this._socket) this._lost(event);
      };
      // Before the open, some runtimes (Node 20's) report a refused connection only as an error.
      socket.onerror = () => { if (!opened) reject(new WebsocketfyError("connect_failed", `could not connect to ${this.url}`)); };
    });
  }

  _send(message) {
    this._socket.send(JSON.stringify(message));
  }

  _lost(event) {
    this._socket = null;
    if (this._closedByUser) return;
    const lost = new WebsocketfyError("connection_lost", `connection closed (${event.code}${event.reason ? " " + event.reason : ""})`,
                                      { closeCode: event.code });
    const resumable = [...this._pending.values()].filter(r => r.transfer && r.transfer.resumesLeft > 0);
    this._failAll(lost, true);
    if (resumable.length === 0 && this._queue.length === 0) {
      this.onclose?.({ code: event.code, reason: event.reason });
      return;
    }
    this._reconnecting = this._open().then(
      () => {
        this._reconnecting = null;
        for (const request of resumable) {
          request.transfer.resumesLeft--;
          request.message = this._getRequest(request.transfer);
          this._queue.unshift(request);
        }
        this._pump();
      },
      error => {
        this._reconnecting = null;
        for (const request of [...resumable, ...this._queue.splice(0)]) request.reject(error);
        this.onclose?.({ code: event.code, reason: event.reason });
      });
  }

  /** Rejects every request in flight (keepResumable: except gets that may resume) and, when the
   *  connection is gone for good, every queued one. */
  _failAll(error, keepResumable) {
    for (const request of [...this._pending.values()]) {
      if (keepResumable && request.transfer && request.transfer.resumesLeft > 0) continue;
      request.reject(error);
    }
    this._pending.clear();
    if (!keepResumable) for (const request of this._queue.splice(0)) request.reject(error);
  }

  // ---- requests ------------------------------------------------------------------------------

  _submit(message, onFinal, transfer = null) {
    let request;
    const promise = new Promise((resolve, reject) => {
      request = { id: 0, message, onFinal, transfer, resolve, reject };
    });
    request.id = this._takeId();
    promise.id = request.id;
    if (this._closedByUser || (!this._socket && !this._reconnecting)) {
      request.reject(new WebsocketfyError("closed", "the connection is closed"));
      return promise;
    }
    if (message.op === "cancel") this._start(request); // a cancel never waits behind what it cancels
    else { this._queue.push(request); this._pump(); }
    return promise;
  }

  _takeId() {
    const id = this._nextId;
    this._nextId = id === MAX_ID ? 1 : id + 1;
    return id;
  }

  _pump() {
    while (this._socket && this._queue.length > 0 && this._pending.size < this._maxInFlight) this._start(this._queue.shift());
  }

  _start(request) {
    if (!this._socket) {
      request.reject(new WebsocketfyError("connection_lost", "the connection is gone"));
      return;
    }
    this._pending.set(request.id, request);
    const settle = (fn) => (value) => { this._pending.delete(request.id); fn(value); this._pump(); };
    request.resolve = settle(request.resolve);
    request.reject = settle(request.reject);
    this._send({ id: request.id, ...request.message });
  }

  _getRequest(t) {
    const message = { op: "get", path: t.path, offset: t.offset + t.received, sha256: t.sha256 };
    if (t.total !== null) message.length = t.total - t.received;
    else if (t.length !== undefined) message.length = t.length;
    t.segmentStart = t.received;
    return message;
  }

  _onText(data) {
    const message = JSON.parse(data);
    if (message.id === null || message.id === undefined) {
      // bad_request without an id: this client only sends well-formed requests, so it cannot be matched.
      throw new Error("the daemon rejected a request it could not attribute: " + JSON.stringify(message.error));
    }
    const request = this._pending.get(message.id);
    if (!request) return; // the answer to a request this client already gave up on
    if (message.start) { this._onStart(request, message.start); return; }
    if (!("ok" in message)) return; // a message kind this client does not know: forward compatibility
    if (!message.ok) {
      const e = message.error ?? {};
      request.reject(new WebsocketfyError(e.code ?? "protocol", e.message ?? "", { id: message.id }));
      return;
    }
    if (request.transfer) this._onDone(request, message.done).catch(e => request.reject(e));
    else request.onFinal(request, message);
  }

  _onStart(request, start) {
    const t = request.transfer;
    if (t.buffer === null) {
      t.total = start.length;
      t.size = start.size;
      t.mtime = start.mtime;
      t.buffer = new Uint8Array(start.length);
      return;
    }
    // A resumed download: the file must be the one the first part came from.
    if (start.size !== t.size || start.mtime !== t.mtime || start.length !== t.total - t.received) {
      this._cancelQuietly(request.id);
      request.reject(new WebsocketfyError("changed", "the file changed between the interrupted download and its resume", { id: request.id }));
    }
  }

  _cancelQuietly(id) {
    const cancel = { id: this._takeId(), message: { op: "cancel", target: id }, resolve() {}, reject() {} };
    this._start(cancel);
  }

  _onChunk(data) {
    if (data.byteLength < PREFIX_BYTES) throw new Error(`a data message of ${data.byteLength} bytes has no prefix`);
    const view = new DataView(data);
    const id = view.getUint32(0);
    const offset = Number(view.getBigUint64(4));
    const request = this._pending.get(id);
    if (!request) return; // a chunk of a request already given up on
    const t = request.transfer;
    if (!t || t.buffer === null) throw new Error(`a data message for request ${id}, which is not a started get`);
    const at = offset - t.offset;
    const body = new Uint8Array(data, PREFIX_BYTES);
    if (at !== t.received || at + body.length > t.total) {
      throw new Error(`a chunk of request ${id} at offset ${offset} is out of place`);
    }
    t.buffer.set(body, at);
    t.received += body.length;
    t.onProgress?.({ received: t.received, total: t.total, offset: t.offset + t.received });
  }

  async _onDone(request, done) {
    const t = request.transfer;
    if (t.buffer === null) t.buffer = new Uint8Array(0), t.total = 0;
    if (t.received !== t.total || done.bytes !== t.received - t.segmentStart) {
      throw new WebsocketfyError("protocol", `received ${t.received} of ${t.total} bytes`, { id: request.id });
    }
    if (t.sha256) {
      // Each segment (the first download, every resume) is checked against the daemon's hash of it.
      const segment = t.buffer.subarray(t.segmentStart, t.received);
      const digest = await sha256Hex(segment);
      if (digest !== done.sha256) {
        throw new WebsocketfyError("sha256_mismatch", `SHA-256 of bytes ${t.offset + t.segmentStart}..${t.offset + t.received} is ${digest}, the daemon sent ${done.sha256}`, { id: request.id });
      }
    }
    request.resolve(t.buffer.buffer);
  }
}

/** Lower-case hex SHA-256 of bytes, with SubtleCrypto. */
export async function sha256Hex(bytes) {
  const digest = new Uint8Array(await globalThis.crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest, b => b.toString(16).padStart(2, "0")).join("");
}
