// ---------------------------------------------------------------------------------------------
// GatewayConnection: the console's one connection to the daemon that served the page, and the only
// code of the page that knows the wire protocols (docs/protocol.md). The rest of the page calls
// sql(), file() and quit(), and listens for 'open', 'error' and 'close'.
//
// websocketfy.v2 (the default) goes through the JS client library, clients/js/websocketfy.js, which
// the daemon embeds in front of this code in the same inline module: structured SQL results, typed
// errors, files with progress and the daemon's SHA-256 checked. The classic protocol stays selectable,
// for what only it has and what deployed clients see: commands sent as binary messages, QUIT, and
// replies as plain texts (every message is one command; replies come strictly in order, one per
// command; a file always comes as a binary message; QUIT makes the server close with 1000).
// ---------------------------------------------------------------------------------------------
class GatewayConnection extends EventTarget {
  /**
   * The daemon's main port. The daemon names it in the websocketfy-gateway meta element when the page came
   * from its ops listener (--ops-bind), which has no gateway behind it; otherwise it is the host and port
   * that served the page, wss: when the page came over https.
   */
  static urlOfDaemon() {
    const named = document.querySelector('meta[name="websocketfy-gateway"]')?.content ?? '';
    if (named !== '') return named;
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    return `${scheme}//${location.host}/`;
  }

  /** @param url the daemon's URL as shown to the operator; a token never becomes part of it. */
  constructor(url) {
    super();
    this.url = url;
    this.protocol = 'v2'; // 'v2' or 'classic'
    this.socket = null;   // the current WebSocket, either protocol
    this.client = null;   // websocketfy.v2: the library's client on this.socket, once open
    this.pending = [];    // classic: commands sent on the current socket and not answered yet, oldest first
    this.inFlight = 0;    // websocketfy.v2: requests sent and not settled
    this.opened = false;  // whether the current socket ever reached 'open'
  }

  get isOpen() {
    if (this.protocol === 'v2') return this.client !== null;
    return this.socket !== null && this.socket.readyState === WebSocket.OPEN;
  }

  /**
   * Opens the connection; a socket still open or opening is closed first (1000) and forgotten. With a
   * token (--auth token|jwt) it goes in the access_token query parameter, the one credential carrier a
   * browser's WebSocket can set (docs/protocol.md, Authentication). The token lives only in this call
   * and the socket; nothing is stored.
   */
  connect(token = '', protocol = this.protocol) {
    if (this.socket !== null) this.forget(this.socket, 'reconnected before the reply');
    this.protocol = protocol;
    this.opened = false;
    let target = this.url;
    if (token !== '') {
      const withToken = new URL(this.url);
      withToken.searchParams.set('access_token', token);
      target = withToken.href;
    }
    if (protocol === 'v2') {
      this.connectV2(target, token !== '');
      return;
    }
    const socket = new WebSocket(target);
    socket.binaryType = 'arraybuffer';
    this.socket = socket;
    socket.addEventListener('open', () => {
      if (this.socket !== socket) return;
      this.opened = true;
      this.dispatchEvent(new CustomEvent('open', { detail: { url: this.url, withToken: token !== '' } }));
    });
    socket.addEventListener('message', (event) => {
      if (this.socket === socket) this.onReply(event.data);
    });
    socket.addEventListener('error', () => {
      // The browser says no more than "error" (not even the HTTP status of a refused upgrade);
      // the close event that follows has the code.
      if (this.socket === socket) this.dispatchEvent(new CustomEvent('error', { detail: { opened: this.opened } }));
    });
    socket.addEventListener('close', (event) => {
      if (this.socket !== socket) return; // replaced by a newer connection, which owns the events now
      this.socket = null;
      const unanswered = this.rejectPending(`the connection closed (code ${event.code}) before the reply`);
      this.dispatchEvent(new CustomEvent('close', {
        detail: { code: event.code, reason: event.reason, wasClean: event.wasClean, opened: this.opened, unanswered },
      }));
    });
  }

  /**
   * websocketfy.v2 through the library. It opens its WebSocket with the class given here, so the page
   * still sees that socket's own events: the close code, reason and cleanness, and an upgrade refused
   * before open (for which the library only says "connect_failed"). A lost connection is reported,
   * not resumed (resumes: 0): the operator decides whether to reconnect.
   */
  connectV2(target, withToken) {
    const gateway = this;
    let socket = null;
    const Tracked = class extends WebSocket {
      constructor(url, protocols) {
        super(url, protocols);
        socket = this;
        gateway.socket = this;
        this.addEventListener('error', () => {
          if (gateway.socket === this) gateway.dispatchEvent(new CustomEvent('error', { detail: { opened: gateway.opened } }));
        });
        this.addEventListener('close', (event) => {
          if (gateway.socket !== this) return; // replaced by a newer connection, which owns the events now
          const unanswered = gateway.inFlight;
          gateway.socket = null;
          gateway.client = null;
          gateway.inFlight = 0;
          gateway.dispatchEvent(new CustomEvent('close', {
            detail: { code: event.code, reason: event.reason, wasClean: event.wasClean, opened: gateway.opened, unanswered },
          }));
        });
      }
    };
    connect(target, { WebSocket: Tracked, resumes: 0 }).then((client) => {
      if (this.socket !== socket) { client.close(); return; }
      this.client = client;
      this.opened = true;
      this.dispatchEvent(new CustomEvent('open', { detail: { url: this.url, withToken, protocol: 'websocketfy.v2' } }));
    }, (error) => {
      // not_v2: the daemon answered without the subprotocol (a version before websocketfy.v2); the
      // library closes that socket with 1000, and the close event follows.
      if (error.code === 'not_v2' && this.socket === socket) {
        this.dispatchEvent(new CustomEvent('notice', { detail: { text: 'the daemon does not speak websocketfy.v2: choose the classic protocol' } }));
      }
    });
  }

  /** Drops a socket the page no longer wants: its unanswered commands fail, its late events are ignored. */
  forget(socket, why) {
    const client = this.client;
    this.socket = null;
    this.client = null;
    this.inFlight = 0;
    this.rejectPending(why);
    if (client !== null) client.close();
    else if (socket.readyState <= WebSocket.OPEN) socket.close(1000);
  }

  rejectPending(why) {
    const unanswered = this.pending.splice(0);
    for (const command of unanswered) command.reject(new Error(why));
    return unanswered.length;
  }

  /**
   * Runs SQL. Resolves with { text, columns?, rows?, rowsAmbiguous?, failed?, kind, bytes, milliseconds }:
   * columns and rows come from the daemon (websocketfy.v2, when SiREN's text splits with certainty);
   * failed is the error text (SiREN's "Command failed." reply, or a typed v2 error's message, with its
   * code); kind names what carried the reply. Rejects when there is no reply (connection gone).
   */
  async sql(text, { binary = false } = {}) {
    const started = performance.now();
    if (this.protocol === 'v2') {
      const result = await this.v2((client) => client.sql(text)).catch((error) => {
        if (error.code === undefined || ['connection_lost', 'closed', 'protocol'].includes(error.code)) throw error;
        return { text: error.message, failed: error.message, code: error.code };
      });
      return { ...result, kind: 'websocketfy.v2', bytes: new TextEncoder().encode(result.text).byteLength, milliseconds: performance.now() - started };
    }
    const reply = await this.send(text, { binary });
    const replyText = reply.binary ? new TextDecoder().decode(reply.data) : reply.data;
    const failed = replyText.startsWith('Command failed.') || replyText.startsWith('Fatal error executing the query.') ? replyText : undefined;
    return { text: replyText, failed, kind: reply.binary ? 'binary reply' : 'text reply', bytes: reply.bytes, milliseconds: reply.milliseconds };
  }

  /**
   * Fetches a file. Resolves with { data, milliseconds, checked } or { refused, code? }: refused is the
   * daemon's text ("File not found!"...). checked: websocketfy.v2 compared the bytes with the daemon's
   * SHA-256 (asked when the page may hash, in a secure context). onProgress(received, total) per chunk (v2).
   */
  async file(path, onProgress) {
    const started = performance.now();
    if (this.protocol === 'v2') {
      const sha256 = window.isSecureContext && crypto.subtle !== undefined;
      try {
        const data = await this.v2((client) => client.get(path, { sha256, onProgress: (p) => onProgress?.(p.received, p.total) }));
        return { data, milliseconds: performance.now() - started, checked: sha256 };
      } catch (error) {
        if (error.code === undefined || ['connection_lost', 'closed', 'protocol'].includes(error.code)) throw error;
        return { refused: error.message, code: error.code };
      }
    }
    const reply = await this.send(`REQUEST ${path}`);
    // A file always comes as a binary message; a text reply is the daemon's error text.
    if (!reply.binary) return { refused: reply.data };
    return { data: reply.data, milliseconds: reply.milliseconds, checked: false };
  }

  /** One websocketfy.v2 request, counted while in flight (for the close event's "unanswered"). */
  async v2(request) {
    if (this.client === null) throw new Error('not connected');
    this.inFlight++;
    const client = this.client;
    try {
      return await request(client);
    } finally {
      if (this.client === client) this.inFlight--;
    }
  }

  /**
   * Sends one command. Resolves with { data, binary, bytes, milliseconds }: data is a string for a
   * text reply and an ArrayBuffer for a binary one; milliseconds runs from the send to the whole
   * reply. Rejects when the connection closes first.
   */
  send(command, { binary = false } = {}) {
    if (!this.isOpen) return Promise.reject(new Error('not connected'));
    return new Promise((resolve, reject) => {
      this.pending.push({ resolve, reject, started: performance.now() });
      this.socket.send(binary ? new TextEncoder().encode(command) : command);
    });
  }

  /** Ends the connection: classic sends QUIT, which the server answers by closing with 1000;
   *  websocketfy.v2 has no QUIT, so the page closes with 1000. Either way the 'close' event follows. */
  quit() {
    if (!this.isOpen) return;
    if (this.protocol === 'v2') this.client.close();
    else this.socket.send('QUIT');
  }

  onReply(data) {
    const command = this.pending.shift();
    if (command === undefined) return; // the protocol sends nothing unasked; ignore rather than misattribute
    const binary = data instanceof ArrayBuffer;
    command.resolve({
      data,
      binary,
      bytes: binary ? data.byteLength : new TextEncoder().encode(data).byteLength,
      milliseconds: performance.now() - command.started,
    });
  }
}
