#!/usr/bin/env python3
"""A DNS server that misbehaves on purpose, for the lookup error transcripts.

Listens on 127.0.0.1:PORT over UDP and TCP. The first label of the query
name picks the behaviour:
  servfail.*   rcode SERVFAIL          refused.*   rcode REFUSED
  formerr.*    rcode FORMERR           notimp.*    rcode NOTIMP
  nxdomain.*   rcode NXDOMAIN          nodata.*    NOERROR, no answers
  tc.*         over UDP: TC bit and no answers; over TCP: the full answer
               (A 192.0.2.77), so a resolver that retries over TCP gets it
  tcponly.*    over UDP: REFUSED; over TCP: A 192.0.2.88
  malformed.*  a reply whose answer record runs past the end of the packet
  silent.*     no reply at all
  anything else: A 192.0.2.99
Usage: faultdns.py PORT
"""
import socket
import struct
import sys
import threading

A_TCP = bytes([192, 0, 2, 77])


def parse_query(q):
    """Returns (id, flags, question bytes, first label) or None."""
    if len(q) < 12:
        return None
    qid, flags, qd = struct.unpack("!HHH", q[:6])
    if qd != 1:
        return None
    i, labels = 12, []
    while i < len(q) and q[i] != 0:
        n = q[i]
        labels.append(q[i + 1:i + 1 + n].decode("ascii", "replace").lower())
        i += 1 + n
    i += 1 + 4
    if i > len(q):
        return None
    return qid, flags, q[12:i], labels[0] if labels else ""


def reply(qid, qflags, question, rcode=0, answers=b"", ancount=0, tc=False):
    flags = 0x8000 | (qflags & 0x0100) | 0x0400 | rcode   # QR, RD copied, AA
    if tc:
        flags |= 0x0200
    return struct.pack("!HHHHHH", qid, flags, 1, ancount, 0, 0) + question + answers


def a_record(ip):
    # name: pointer to the question (offset 12), type A, class IN, ttl 60
    return b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, 60, 4) + ip


def answer(q, tcp):
    p = parse_query(q)
    if p is None:
        return None
    qid, qflags, question, label = p
    codes = {"servfail": 2, "refused": 5, "formerr": 1, "notimp": 4, "nxdomain": 3}
    if label in codes:
        return reply(qid, qflags, question, rcode=codes[label])
    if label == "silent":
        return None
    if label == "nodata":
        return reply(qid, qflags, question)
    if label == "tc":
        if not tcp:
            return reply(qid, qflags, question, tc=True)
        return reply(qid, qflags, question, answers=a_record(A_TCP), ancount=1)
    if label == "tcponly":
        if not tcp:
            return reply(qid, qflags, question, rcode=5)
        return reply(qid, qflags, question, answers=a_record(bytes([192, 0, 2, 88])), ancount=1)
    if label == "malformed":
        # claims 1 answer with rdlength 200, carries 3 bytes of it
        bad = b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, 60, 200) + b"\x01\x02\x03"
        return reply(qid, qflags, question, answers=bad, ancount=1)
    return reply(qid, qflags, question, answers=a_record(bytes([192, 0, 2, 99])), ancount=1)


def serve_udp(sock):
    while True:
        q, peer = sock.recvfrom(4096)
        r = answer(q, False)
        if r is not None:
            sock.sendto(r, peer)


def read_exact(c, n):
    buf = b""
    while len(buf) < n:
        chunk = c.recv(n - len(buf))
        if not chunk:
            return None
        buf += chunk
    return buf


def serve_tcp_conn(c):
    with c:
        while True:
            hdr = read_exact(c, 2)
            if hdr is None:
                return
            q = read_exact(c, struct.unpack("!H", hdr)[0])
            if q is None:
                return
            r = answer(q, True)
            if r is not None:
                c.sendall(struct.pack("!H", len(r)) + r)


def main():
    port = int(sys.argv[1])
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.bind(("127.0.0.1", port))
    t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    t.bind(("127.0.0.1", port))
    t.listen(16)
    threading.Thread(target=serve_udp, args=(u,), daemon=True).start()
    while True:
        c, _ = t.accept()
        threading.Thread(target=serve_tcp_conn, args=(c,), daemon=True).start()


if __name__ == "__main__":
    main()
