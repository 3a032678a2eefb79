#!/usr/bin/env python3
"""A tiny SMTP-like server for the expect transcripts and examples/smtp_expect.nr.
Each port behaves differently (all on 127.0.0.1):
  BASE+0  a well-behaved server: 220 greeting; EHLO answers a multi-line 250-
          reply, its lines sent as separate TCP segments; MAIL, RCPT (550 for
          unknown users), DATA ... "." (the "queued as" reply split in the middle
          of the queue id), NOOP, QUIT (221, then it closes); anything else 502;
          HOSTILE answers terminal escapes and raw bytes.
  BASE+1  a dribbling server: the same, but every reply goes out byte by byte
  BASE+2  an unexpected answer: a 554 greeting, then it waits, saying nothing
  BASE+3  one that closes: "421 ... closing" and the connection is closed
  BASE+4  a greeting split across two TCP segments, 0.2 s apart
Usage: smtp.py [BASE]   (default 16120). Prints "ready" once listening."""
import socket, sys, threading, time

base = int(sys.argv[1]) if len(sys.argv) > 1 else 16120
USERS = {b"alice@nr.test", b"bob@nr.test"}

def send(c, data, dribble):
    if not dribble:
        c.sendall(data)
        return
    for i in range(len(data)):
        c.sendall(data[i:i + 1])
        time.sleep(0.01)

def lines(c):
    buf = b""
    while True:
        while b"\r\n" not in buf:
            d = c.recv(4096)
            if not d:
                return
            buf += d
        line, buf = buf.split(b"\r\n", 1)
        yield line

def dialogue(c, dribble):
    host = b"slow.nr.test" if dribble else b"mail.nr.test"
    send(c, b"220 " + host + b" ESMTP nr-test\r\n", dribble)
    it = lines(c)
    in_data = False
    for line in it:
        if in_data:
            if line == b".":
                in_data = False
                send(c, b"250 2.0.0 Ok: queued as 4F2", dribble)
                time.sleep(0.2)   # the id is not complete yet: expect must wait
                send(c, b"A17\r\n", dribble)
            continue
        verb = line.split(b" ", 1)[0].upper()
        arg = line[len(verb) + 1:]
        if verb in (b"EHLO", b"HELO"):
            for l in (b"250-" + host + b" greets " + arg, b"250-SIZE 1000000",
                      b"250-8BITMIME", b"250 HELP"):
                send(c, l + b"\r\n", dribble)
                time.sleep(0.05)   # separate segments
        elif verb == b"MAIL":
            send(c, b"250 2.1.0 Ok\r\n", dribble)
        elif verb == b"RCPT":
            who = arg.split(b"<", 1)[-1].rstrip(b">")
            if who in USERS:
                send(c, b"250 2.1.5 Ok\r\n", dribble)
            else:
                send(c, b"550 5.1.1 <" + who + b">: Recipient address rejected\r\n", dribble)
        elif verb == b"DATA":
            in_data = True
            send(c, b"354 End data with <CR><LF>.<CR><LF>\r\n", dribble)
        elif verb == b"NOOP":
            send(c, b"250 2.0.0 Ok\r\n", dribble)
        elif verb == b"HOSTILE":
            send(c, b"250 \x1b[2J\x1b]0;owned\x07 \x00\xff\xfe done\r\n", dribble)
        elif verb == b"QUIT":
            send(c, b"221 2.0.0 Bye\r\n", dribble)
            return
        else:
            send(c, b"502 5.5.2 Error: command not recognized\r\n", dribble)

def handle(kind, c):
    c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        if kind in (0, 1):
            dialogue(c, kind == 1)
        elif kind == 2:
            c.sendall(b"554 5.3.2 nr.test: no service for you\r\n")
            while c.recv(4096):
                pass
        elif kind == 3:
            c.sendall(b"421 4.3.2 closing.nr.test: shutting down\r\n")
        elif kind == 4:
            c.sendall(b"220 split.nr")
            time.sleep(0.2)
            c.sendall(b".test ESMTP\r\n")
            while c.recv(4096):
                pass
    except OSError:
        pass
    finally:
        c.close()

def serve(kind, ready):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", base + kind))
    s.listen(16)
    ready.release()
    while True:
        c, _ = s.accept()
        threading.Thread(target=handle, args=(kind, c), daemon=True).start()

ready = threading.Semaphore(0)
for k in range(5):
    threading.Thread(target=serve, args=(k, ready), daemon=True).start()
for _ in range(5):
    ready.acquire()
print("ready", flush=True)
while True:
    time.sleep(3600)
