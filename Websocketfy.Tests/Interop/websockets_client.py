"""Drives Websocketfy with Python's websockets library, a client we did not write.

usage: python3 websockets_client.py [--cafile PEM] URL STEP...

--cafile PEM (wss:// URLs) trusts only the CA certificate in PEM, checks the host name, offers ALPN
http/1.1, and prints first {"tls": VERSION, "alpn": PROTOCOL} for the connection.

Steps run in order on one connection:
  text:COMMAND    send COMMAND as a text message, wait for one reply
  binary:COMMAND  send COMMAND (UTF-8) as a binary message, wait for one reply
  fragments:A|B   send A, B, ... as the fragments of one text message, wait for one reply
  ping:DATA       send a ping carrying DATA, wait for the pong that carries it back
  quit:COMMAND    send COMMAND as a text message, expect the server to close instead of replying
Then the connection is closed cleanly from this side (unless the server already closed it).

Prints one JSON object per line on stdout, for the C# test to assert on:
  {"reply": "text"|"binary", "length": N, "sha256": HEX, "text": STR (text replies only)}
  {"pong": DATA}
  {"server_closed": CODE, "reason": STR}
  {"closed": CODE, "reason": STR}   the close code and reason the server sent, always last
Any failure raises, so the exit code is non-zero and the traceback is on stderr.
"""

import asyncio
import hashlib
import json
import ssl
import sys

import websockets

REPLY_TIMEOUT = 60


def emit(obj):
    print(json.dumps(obj), flush=True)


def describe(reply):
    data = reply.encode("utf-8") if isinstance(reply, str) else reply
    described = {
        "reply": "text" if isinstance(reply, str) else "binary",
        "length": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
    }
    if isinstance(reply, str):
        described["text"] = reply
    return described


def tls_context(cafile):
    context = ssl.create_default_context(cafile=cafile)
    context.set_alpn_protocols(["http/1.1"])
    return context


async def run(url, steps, cafile=None):
    # The library refuses messages over 1 MiB by default (closing with 1009); files may be larger.
    tls = {"ssl": tls_context(cafile)} if cafile else {}
    async with websockets.connect(url, max_size=None, open_timeout=10, close_timeout=5, **tls) as ws:
        if cafile:
            connection = ws.transport.get_extra_info("ssl_object")
            emit({"tls": connection.version(), "alpn": connection.selected_alpn_protocol()})
        for step in steps:
            kind, _, argument = step.partition(":")
            if kind == "text":
                await ws.send(argument)
                emit(describe(await asyncio.wait_for(ws.recv(), REPLY_TIMEOUT)))
            elif kind == "binary":
                await ws.send(argument.encode("utf-8"))
                emit(describe(await asyncio.wait_for(ws.recv(), REPLY_TIMEOUT)))
            elif kind == "fragments":
                # An iterable is sent as one fragmented message, one frame per item.
                await ws.send(argument.split("|"))
                emit(describe(await asyncio.wait_for(ws.recv(), REPLY_TIMEOUT)))
            elif kind == "ping":
                # The waiter completes only on a pong whose payload matches this ping's.
                pong_waiter = await ws.ping(argument.encode("utf-8"))
                await asyncio.wait_for(pong_waiter, REPLY_TIMEOUT)
                emit({"pong": argument})
            elif kind == "quit":
                await ws.send(argument)
                try:
                    message = await asyncio.wait_for(ws.recv(), REPLY_TIMEOUT)
                    raise AssertionError("expected the server to close, got a message: %r" % (message,))
                except websockets.ConnectionClosedOK:
                    emit({"server_closed": ws.close_code, "reason": ws.close_reason})
            else:
                raise ValueError("unknown step: " + step)
    emit({"closed": ws.close_code, "reason": ws.close_reason})


if __name__ == "__main__":
    arguments = sys.argv[1:]
    cafile = None
    if arguments[:1] == ["--cafile"]:
        cafile, arguments = arguments[1], arguments[2:]
    if not arguments:
        sys.exit(__doc__)
    asyncio.run(run(arguments[0], arguments[1:], cafile))
