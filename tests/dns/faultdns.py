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
  tcclose.*    over UDP: TC bit and no answers; over TCP: the connection is
               closed without an answer
  slow.*       A 192.0.2.99 after 300 ms (over UDP)
  rrl.*        A 192.0.2.99 for a UDP query of a name and type not asked in
               the last 0.5 s, nothing for the repeats (as nsd's response
               rate limiting drops identical answers to one client)
  ptrloop.*    one record of the type asked whose owner name is a
               compression pointer to itself
  rdloop.*     MX/NS/SRV/SOA/PTR/CNAME whose rdata name points to itself
  ptrpast.*    an answer owner name pointing past the end of the packet
  liecount.*   ANCOUNT 3 with one record of the type asked
  chain40.*    a CNAME chain of 40 links, then A 192.0.2.40
  cloop.*      a CNAME loop: NAME -> a.NAME -> b.NAME -> a.NAME
  longname.*   a CNAME (or MX exchange) to a 320-byte name
  anything else: A 192.0.2.99
Usage: faultdns.py PORT
"""
import socket
import struct
import sys
import threading
import time

A_TCP = bytes([192, 0, 2, 77])


def parse_query(q):
    """Returns (id, flags, question bytes, first label, qtype) or None."""
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
    qtype = struct.unpack("!H", q[i - 4:i - 2])[0]
    return qid, flags, q[12:i], labels[0] if labels else "", qtype


def reply(qid, qflags, question, rcode=0, answers=b"", ancount=0, tc=False):
    flags = 0x8000 | (qflags & 0x0100) | 0x0400 | rcode   # QR, RD copied, AA
    if tc:
        flags |= 0x0200
    return struct.pack("!HHHHHH", qid, flags, 1, ancount, 0, 0) + question + answers


def a_record(ip):
    # name: pointer to the question (offset 12), type A, class IN, ttl 60
    return b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, 60, 4) + ip


T_A, T_NS, T_CNAME, T_SOA, T_PTR, T_MX, T_TXT, T_SRV, T_CAA = 1, 2, 5, 6, 12, 15, 16, 33, 257
SELF = object()   # stands for a name that is a pointer to itself


def rdata(qtype, name, at):
    """rdata of qtype carrying name (bytes, or SELF: a pointer to offset at
    plus the fixed part before the name)."""
    def nm(off):
        return struct.pack("!H", 0xC000 | (at + off)) if name is SELF else name
    if qtype == T_MX:
        return struct.pack("!H", 10) + nm(2)
    if qtype == T_SRV:
        return struct.pack("!HHH", 1, 1, 5269) + nm(6)
    if qtype in (T_NS, T_PTR, T_CNAME):
        return nm(0)
    if qtype == T_SOA:
        first = nm(0)
        return first + b"\xc0\x0c" + struct.pack("!IIIII", 1, 2, 3, 4, 5)
    if qtype == T_TXT:
        return b"\x04text"
    if qtype == T_CAA:
        return b"\x00\x05issuex"
    return bytes([192, 0, 2, 99])


def rr(owner, qtype, rd):
    return owner + struct.pack("!HHIH", qtype, 1, 60, len(rd)) + rd


HEADER_AND_QUESTION = 12   # + len(question): where the answer section starts
rrl_seen = {}   # (question, qtype) -> when last asked
rrl_lock = threading.Lock()


def hostile(label, qid, qflags, question, qtype):
    start = HEADER_AND_QUESTION + len(question)
    if label == "ptrloop":
        # the owner name is a pointer to where it stands
        own = struct.pack("!H", 0xC000 | start)
        return reply(qid, qflags, question, answers=rr(own, qtype, rdata(qtype, b"\xc0\x0c", 0)), ancount=1)
    if label == "rdloop":
        at = start + 2 + 10   # owner pointer, fixed RR part
        return reply(qid, qflags, question, answers=rr(b"\xc0\x0c", qtype, rdata(qtype, SELF, at)), ancount=1)
    if label == "ptrpast":
        return reply(qid, qflags, question, answers=rr(b"\xc3\xff", qtype, rdata(qtype, b"\xc0\x0c", 0)), ancount=1)
    if label == "liecount":
        return reply(qid, qflags, question, answers=rr(b"\xc0\x0c", qtype, rdata(qtype, b"\xc0\x0c", 0)), ancount=3)
    if label == "chain40":
        ans, owner = b"", b"\xc0\x0c"
        for k in range(1, 41):
            target = bytes([len("l%d" % k)]) + b"l%d" % k + b"\xc0\x0c"
            ans += rr(owner, T_CNAME, target)
            owner = target
        ans += rr(owner, T_A, bytes([192, 0, 2, 40]))
        return reply(qid, qflags, question, answers=ans, ancount=41)
    if label == "cloop":
        a, b = b"\x01a\xc0\x0c", b"\x01b\xc0\x0c"
        ans = rr(b"\xc0\x0c", T_CNAME, a) + rr(a, T_CNAME, b) + rr(b, T_CNAME, a)
        return reply(qid, qflags, question, answers=ans, ancount=3)
    if label == "longname":
        long = (b"\x3f" + b"x" * 63) * 5 + b"\x00"   # 321 bytes on the wire
        t = qtype if qtype in (T_MX, T_NS, T_SRV, T_PTR) else T_CNAME
        return reply(qid, qflags, question, answers=rr(b"\xc0\x0c", t, rdata(t, long, 0)), ancount=1)
    return None


def answer(q, tcp):
    p = parse_query(q)
    if p is None:
        return None
    qid, qflags, question, label, qtype = p
    bad = hostile(label, qid, qflags, question, qtype)
    if bad is not None:
        return bad
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
    if label == "tcclose":
        return None if tcp else reply(qid, qflags, question, tc=True)
    if label == "rrl" and not tcp:
        key, now = (question.lower(), qtype), time.monotonic()
        with rrl_lock:
            last = rrl_seen.get(key)
            rrl_seen[key] = now
            if last is not None and now - last < 0.5:
                return None
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
        if r is None:
            continue
        p = parse_query(q)
        if p and p[3] == "slow":
            threading.Timer(0.3, sock.sendto, (r, peer)).start()
        else:
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
            p = parse_query(q)
            if p and p[3] == "tcclose":
                return   # closes the connection without answering
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
    t.listen(256)
    threading.Thread(target=serve_udp, args=(u,), daemon=True).start()
    while True:
        c, _ = t.accept()
        threading.Thread(target=serve_tcp_conn, args=(c,), daemon=True).start()


if __name__ == "__main__":
    main()
