#!/usr/bin/env python3
"""TLS test peers written with Python's ssl module, one thread per port.
Usage: peers.py DIR BASEPORT   (DIR: the test PKI; prints "ready" when up)
  BASE+0  SMTP-like STARTTLS: "220 ready", STARTTLS -> "220 go ahead", then TLS:
          each line answered "250 secure: LINE" until QUIT ("221 bye", close_notify)
  BASE+1  the same, with a forged "250 INJECTED" line right after "220 go ahead"
          in the same plaintext segment (the STARTTLS injection attack)
  BASE+2  TLS: sends "partial" and closes the TCP connection without close_notify
  BASE+3  TLS: sends "complete" then close_notify, then closes
  BASE+4  plaintext: a banner line ("SSH-2.0-OpenSSH_9.6"), then waits
  BASE+5  wrong protocol: an HTTP/1.1 400 answer to anything, then closes"""
import os, socket, ssl, sys, threading, time

pki, base = sys.argv[1], int(sys.argv[2])
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(os.path.join(pki, "good.chain.pem"), os.path.join(pki, "good.key"))

def smtp(c, inject):
    f = c.makefile("rb")
    c.sendall(b"220 ready\r\n")
    if f.readline().strip().upper() != b"STARTTLS":
        c.sendall(b"502 say STARTTLS\r\n")
        return
    c.sendall(b"220 go ahead\r\n" + (b"250 INJECTED\r\n" if inject else b""))
    t = ctx.wrap_socket(c, server_side=True)
    tf = t.makefile("rb")
    while True:
        line = tf.readline()
        if not line or line.strip().upper() == b"QUIT":
            t.sendall(b"221 bye\r\n")
            t.unwrap()
            return
        t.sendall(b"250 secure: " + line.rstrip(b"\r\n") + b"\r\n")

def truncate(c):
    t = ctx.wrap_socket(c, server_side=True)
    t.sendall(b"partial")
    raw = socket.socket(fileno=t.detach())
    raw.close()

def clean(c):
    t = ctx.wrap_socket(c, server_side=True)
    t.sendall(b"complete")
    t.unwrap()

def plain(c):
    c.sendall(b"SSH-2.0-OpenSSH_9.6\r\n")
    time.sleep(5)   # stays open: the banner alone must fail the handshake

def http(c):
    c.settimeout(10)
    try:
        c.recv(4096)
    except OSError:
        pass
    c.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")

modes = [lambda c: smtp(c, False), lambda c: smtp(c, True), truncate, clean, plain, http]

def serve(port, fn):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", port))
    s.listen(16)
    while True:
        c, _ = s.accept()
        def one(c=c):
            try:
                fn(c)
            except (OSError, ssl.SSLError, ValueError):
                pass
            finally:
                c.close()
        threading.Thread(target=one, daemon=True).start()

for i, fn in enumerate(modes):
    threading.Thread(target=serve, args=(base + i, fn), daemon=True).start()
print("ready", flush=True)
threading.Event().wait()
