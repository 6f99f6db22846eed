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
  /** The daemon that served this page: same host and port, wss: when the page came over https. */
  static urlOfThisPage() {
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    return `${scheme}//${location.host}/`;
  }

  constructor(url) {
    super();
    this.url = url;
    this.socket = null;
    this.pending = [];   // commands sent and not answered yet, oldest first
    this.opened = false; // whether the current socket ever reached 'open'
  }

  get isOpen() {
    return this.socket !== null && this.socket.readyState === WebSocket.OPEN;
  }

  connect() {
    if (this.socket !== null && this.socket.readyState <= WebSocket.OPEN) return;
    this.opened = false;
    const socket = new WebSocket(this.url);
    socket.binaryType = 'arraybuffer';
    this.socket = socket;
    socket.addEventListener('open', () => {
      this.opened = true;
      this.dispatchEvent(new CustomEvent('open', { detail: { url: this.url } }));
    });
    socket.addEventListener('message', (event) => this.onReply(event.data));
    socket.addEventListener('error', () => {
      // The browser says no more than "error"; the close event that follows has the code.
      this.dispatchEvent(new CustomEvent('error', { detail: { opened: this.opened } }));
    });
    socket.addEventListener('close', (event) => {
      if (this.socket === socket) this.socket = null;
      const unanswered = this.pending.splice(0);
      for (const command of unanswered) {
        command.reject(new Error(`the connection closed (code ${event.code}) before the reply`));
      }
      this.dispatchEvent(new CustomEvent('close', {
        detail: { code: event.code, reason: event.reason, wasClean: event.wasClean, opened: this.opened, unanswered: unanswered.length },
      }));
    });
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
