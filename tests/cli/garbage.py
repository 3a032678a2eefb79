#!/usr/bin/env python3
"""Writes N random command lines (seeded) mixing every command with real and
broken arguments, for tests/cli/run.sh: the shell must answer each bad one
with one error line and never crash, leak or hang. Addresses are loopback,
documentation ranges or names; the test runs it inside its own network
namespace, so nothing can leave the machine whatever the words combine to."""
import random
import sys

n = int(sys.argv[1]) if len(sys.argv) > 1 else 3000
random.seed(int(sys.argv[2]) if len(sys.argv) > 2 else 7)
cmds = ("accept close dial dns echo help history info listen lookup mask parse "
        "ping resolve recv send sessions set shutdown sleep source use").split()
words = ["tcp", "udp", "unix", "tcp6", "udp4", "ip", "127.0.0.1:0", "[::1]:0",
         "127.0.0.1:9", "localhost:80", ":0", "[1]", "[2]", "1", "2", "3", "$_",
         "all", "none", "read", "write", "both", "--timeout", "0.01", "--hex",
         "41ff", "--echo", "--daytime", "--discard", "-l", "--crlf", "--all",
         "--max", "2", "--until", "x", "mx", "a", "aaaa", "srv", "txt", "soa",
         "caa", "addr", "port", "nr.test", "..", "-c", "1", "-W", "0.01", "-i",
         "0.01", "192.0.2.1", "::1", "fe80::1%lo", "255.255.0.0", "/24",
         "10.0.0.1/33", "json", "on", "off", "nodelay", "rcvbuf", "65536", "ttl",
         '"\\x00\\xff"', "''", '""', "@127.0.0.1:9", "+tcp", "-f", "/dev/null",
         "--to", "127.0.0.1:9", "shell", "x" * 300, "%", "[", "]", ":", "-",
         "--", "--nope", "99999", "-1", "1e309", "0x10"]
for _ in range(n):
    c = random.choice(cmds)
    if c == "sleep":
        args = ["0.001"]
    elif c == "source":
        args = ["/dev/null"]
    else:
        args = random.sample(words, random.randint(0, 5))
    if c in ("recv", "accept", "dial") and "--timeout" not in args:
        args += ["--timeout", "0.01"]
    print(" ".join([c] + args))
