'use strict';
// ---------------------------------------------------------------------------------------------
// GatewayConnection: the console's one WebSocket to the daemon that served the page, and the only
// code of the page that knows the wire protocol (docs/protocol.md). The rest of the page calls
// send() and listens for 'open' and 'close'. A client library (clients/js/websocketfy.js) can
// replace this section without touching the user interface.
//
// The classic protocol: every message is one command; replies come strictly in order, one per
// command, with the opcode of the command (a file always comes as a binary message); QUIT makes
// the server close with 1000.
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
    this.socket = null;
    this.pending = [];   // commands sent on the current socket and not answered yet, oldest first
    this.opened = false; // whether the current socket ever reached 'open'
  }

  get isOpen() {
    return this.socket !== null && this.socket.readyState === WebSocket.OPEN;
  }

  /**
   * Opens the connection; a socket still open or opening is closed first (1000) and forgotten. With a
   * token (--auth token|jwt) it goes in the access_token query parameter, the one credential carrier a
   * browser's WebSocket can set (docs/protocol.md, Authentication). The token lives only in this call
   * and the socket; nothing is stored.
   */
  connect(token = '') {
    if (this.socket !== null) this.forget(this.socket, 'reconnected before the reply');
    this.opened = false;
    let target = this.url;
    if (token !== '') {
      const withToken = new URL(this.url);
      withToken.searchParams.set('access_token', token);
      target = withToken.href;
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

  /** Drops a socket the page no longer wants: its unanswered commands fail, its late events are ignored. */
  forget(socket, why) {
    this.socket = null;
    this.rejectPending(why);
    if (socket.readyState <= WebSocket.OPEN) socket.close(1000);
  }

  rejectPending(why) {
    const unanswered = this.pending.splice(0);
    for (const command of unanswered) command.reject(new Error(why));
    return unanswered.length;
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

  /** QUIT: the server answers by closing with 1000, which arrives as the 'close' event. */
  quit() {
    if (this.isOpen) this.socket.send('QUIT');
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
