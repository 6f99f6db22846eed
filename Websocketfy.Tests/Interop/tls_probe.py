"""Opens one TLS connection with Python's ssl module and reports how the handshake went.

usage: python3 tls_probe.py HOST PORT CAFILE MIN_VERSION MAX_VERSION
  MIN_VERSION, MAX_VERSION: TLSv1_1, TLSv1_2 or TLSv1_3 (ssl.TLSVersion names)

Old versions are allowed on the client side as far as OpenSSL goes (security level 0), so that
the client really offers what it is asked to and a refusal can only come from the server.

Prints one JSON object on stdout:
  {"handshake": "ok", "version": "TLSv1.3", "alpn": "http/1.1"}
  {"handshake": "failed", "reason": "TLSV1_ALERT_PROTOCOL_VERSION", "message": "..."}
The exit code is 0 in both cases; anything else (no connection at all) raises.
"""

import json
import socket
import ssl
import sys
import warnings


def main(host, port, cafile, minimum, maximum):
    warnings.simplefilter("ignore", DeprecationWarning)  # TLSv1_1 is deprecated: that is the point
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.load_verify_locations(cafile=cafile)
    context.set_ciphers("DEFAULT:@SECLEVEL=0")
    context.minimum_version = ssl.TLSVersion[minimum]
    context.maximum_version = ssl.TLSVersion[maximum]
    context.set_alpn_protocols(["http/1.1"])
    with socket.create_connection((host, int(port)), timeout=20) as raw:
        try:
            with context.wrap_socket(raw, server_hostname=host) as tls:
                result = {"handshake": "ok", "version": tls.version(), "alpn": tls.selected_alpn_protocol()}
        except ssl.SSLError as error:
            result = {"handshake": "failed", "reason": error.reason, "message": str(error)}
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    if len(sys.argv) != 6:
        sys.exit(__doc__)
    main(*sys.argv[1:])
