#!/usr/bin/env python3
"""Loopback peers for the session transcripts (tests/e2e/sess_*.nr):
  RESET  port: sends "bye\n", then resets the connection (SO_LINGER 0)
  HOLE   port: a listener whose accept queue is full, so SYNs go unanswered
  NXDNS  port: a UDP DNS server: multi.test has two A records (127.0.0.9,
               127.0.0.1, in that order), every other name is NXDOMAIN
Writes "ready" to stdout once every socket is listening."""
import socket, struct, sys, threading, time

reset_port, hole_port, dns_port = (int(a) for a in sys.argv[1:4])

def reset_server():
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", reset_port)); s.listen(16)
    ready.release()
    while True:
        c, _ = s.accept()
        c.sendall(b"bye\n")
        time.sleep(0.2)
        c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        c.close()

def hole():
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", hole_port)); s.listen(0)
    fillers = []
    for _ in range(2):   # the queue holds backlog+1: fill it, never accept
        c = socket.socket(); c.setblocking(False)
        try: c.connect(("127.0.0.1", hole_port))
        except BlockingIOError: pass
        fillers.append(c)
    time.sleep(0.1)
    ready.release()
    while True: time.sleep(3600)

MULTI = [b"\x7f\x00\x00\x09", b"\x7f\x00\x00\x01"]   # multi.test: 127.0.0.9, 127.0.0.1

def answer(q):
    """NXDOMAIN for every name but multi.test (two A records, no AAAA)."""
    rd = struct.unpack(">H", q[2:4])[0] & 0x0100
    i, labels = 12, []
    while q[i]:
        labels.append(q[i + 1:i + 1 + q[i]].decode().lower()); i += 1 + q[i]
    qtype = struct.unpack(">H", q[i + 1:i + 3])[0]
    question = q[12:i + 5]
    if ".".join(labels) != "multi.test":
        return q[:2] + struct.pack(">HHHHH", 0x8183 | rd, 1, 0, 0, 0) + question
    rrs = [b"\xc0\x0c" + struct.pack(">HHIH", 1, 1, 60, 4) + a for a in MULTI] if qtype == 1 else []
    return q[:2] + struct.pack(">HHHHH", 0x8180 | rd, 1, len(rrs), 0, 0) + question + b"".join(rrs)

def nxdns():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", dns_port))
    ready.release()
    while True:
        q, src = s.recvfrom(4096)
        if len(q) < 17: continue
        s.sendto(answer(q), src)

ready = threading.Semaphore(0)
for f in (reset_server, hole, nxdns):
    threading.Thread(target=f, daemon=True).start()
for _ in range(3): ready.acquire()
print("ready", flush=True)
while True: time.sleep(3600)
