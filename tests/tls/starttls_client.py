#!/usr/bin/env python3
"""An SMTP-like STARTTLS client (Python ssl) for netrepl's starttls --server.
Usage: starttls_client.py PORT CAFILE [inject]
Reads "220 ...", sends STARTTLS (with inject: and "INJECTED\\r\\n" in the same
segment, the plaintext-injection attack from the client side), reads the
"go ahead" line, upgrades (verifying localhost against CAFILE), sends
"hello tls", prints the server's answer line and its certificate's CN."""
import socket, ssl, sys

port, cafile = int(sys.argv[1]), sys.argv[2]
inject = len(sys.argv) > 3
c = socket.create_connection(("127.0.0.1", port), timeout=10)
f = c.makefile("rb")
print("banner:", f.readline().decode().strip(), flush=True)
c.sendall(b"STARTTLS\r\n" + (b"INJECTED\r\n" if inject else b""))
print("reply:", f.readline().decode().strip(), flush=True)
ctx = ssl.create_default_context(cafile=cafile)
t = ctx.wrap_socket(c, server_hostname="localhost")
print("tls:", t.version(), dict(x[0] for x in t.getpeercert()["subject"])["commonName"], flush=True)
t.sendall(b"hello tls\r\n")
line = b""
while not line.endswith(b"\n"):
    d = t.recv(100)
    if not d:
        break
    line += d
print("answer:", line.decode().strip(), flush=True)
t.close()
