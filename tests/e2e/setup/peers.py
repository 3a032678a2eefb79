#!/usr/bin/env python3
"""Loopback peers for the session transcripts (tests/e2e/sess_*.nr):
  RESET  port: sends "bye\n", then resets the connection (SO_LINGER 0)
  HOLE   port: a listener whose accept queue is full, so SYNs go unanswered
  NXDNS  port: a UDP DNS server answering NXDOMAIN to every query
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

def nxdns():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", dns_port))
    ready.release()
    while True:
        q, src = s.recvfrom(4096)
        if len(q) < 12: continue
        flags = 0x8183 | (struct.unpack(">H", q[2:4])[0] & 0x0100)  # QR RA NXDOMAIN, copy RD
        s.sendto(q[:2] + struct.pack(">HHHHH", flags, 1, 0, 0, 0) + q[12:], src)

ready = threading.Semaphore(0)
for f in (reset_server, hole, nxdns):
    threading.Thread(target=f, daemon=True).start()
for _ in range(3): ready.acquire()
print("ready", flush=True)
while True: time.sleep(3600)
