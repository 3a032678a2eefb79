#!/usr/bin/env bash
# capture and trace on the wire, each case in a network namespace this
# script makes (unshare -n, only its own lo up: nothing leaves the machine):
#   examples    the teaching examples (handshake, its ladder, close, shutdown write, RST,
#               UDP to a closed port, ping with capture on), checked line by line against
#               tests/examples/NAME.out with the same filters
#   pcap        --file read back by tcpdump -r: same packet count and flags, and
#               the count the stop line gives for the file
#   count       --count 4 --file: 4 lines and the same first 4 packets in the file
#   listener    listen --capture over 3 concurrent clients: 3 handshakes
#   ladders     listen --ladder over 2 clients: a ladder each, live and again
#               with `ladder 1` after the sessions closed; --json the packets
#   thousand    a 1,000-datagram exchange captured with no loss and no drop
#   mapped      the IPv4 client of a dual-stack listener ([::]) is captured
#   forget      a refused dial --capture: its packets shown, not kept for the id
#   fifo        --file to a FIFO: refused without a reader, streamed to one
#   kept        ladder keeps the first 10,000 packets of 10,100 and says so
#   nobody      without CAP_NET_RAW: one line with the fix; trace still works
#   json        --json: one object per packet and per traced event, with the
#               fields of the text lines, as many as the text shows
# Skips (exit 0, saying why) when not root or namespaces are unavailable.
# Usage: run.sh NETREPL
set -u
bin=$(realpath "$1")
here=$(cd "$(dirname "$0")/../.." && pwd)
if [ "$(id -u)" != 0 ]; then echo "capture: skipped (needs root for namespaces and CAP_NET_RAW)"; exit 0; fi
if ! unshare -n true 2>/dev/null; then echo "capture: skipped (unshare -n not permitted here)"; exit 0; fi
if ! command -v tcpdump >/dev/null; then echo "capture: skipped (no tcpdump: apt-get install tcpdump)"; exit 0; fi
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
export NETREPL_DNS=127.0.0.1:9 HOME=$work
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; shift; for l in "$@"; do echo "     $l"; done; }
# ns CMD...: runs CMD in a new network namespace with lo up.
ns() { unshare -n bash -c 'ip link set lo up && exec "$@"' ns "$@"; }

# ---- examples, line by line ----
for name in handshake handshake_ladder tcp_close shutdown_write rst_unread udp_refused ping_capture; do
    t=$here/examples/$name.nr h=$here/tests/examples/$name.headers
    args=$(sed -n 's/^#args: *//p' "$h" | head -1)
    (cd "$here" && ns timeout 30 "$bin" $args <"$t" >"$work/out" 2>"$work/err")
    while IFS= read -r expr; do
        [ -n "$expr" ] && sed -E -i "$expr" "$work/out" "$work/err"
    done < <(sed -n 's/^#filter: *//p' "$h")
    want_err=$here/tests/examples/$name.err; [ -f "$want_err" ] || want_err=/dev/null
    if diff -u "$here/tests/examples/$name.out" "$work/out" >"$work/diff" &&
       diff -u "$want_err" "$work/err" >>"$work/diff"; then ok "example $name"
    else bad "example $name" "$(head -20 "$work/diff")"; fi
done

# ---- the pcap file, read by tcpdump ----
cat >"$work/pcap.nr" <<EOS
listen tcp 127.0.0.1:16370
dial tcp 127.0.0.1:16370 --capture
capture 2 --file $work/s.pcap
accept
send 2 "hello" -l
recv 3
send 3 "bye" -l
recv 2
close 2
sleep 0.05
close 3
sleep 0.05
capture stop
EOS
ns timeout 30 "$bin" "$work/pcap.nr" >"$work/out" 2>&1
ours=$(grep -c '^\[2\] [<>] TCP' "$work/out")
ourflags=$(grep '^\[2\] [<>] TCP' "$work/out" | awk '{print $7}' | tr '\n' ' ')
theirs=$(tcpdump -nr "$work/s.pcap" 2>/dev/null | wc -l)
# tcpdump's flags in our words: S SYN, . ACK, P PSH, F FIN, R RST.
theirflags=$(tcpdump -nr "$work/s.pcap" 2>/dev/null | sed -E 's/.*Flags \[([^]]*)\].*/\1/' | python3 -c '
import sys
order = [("F","FIN"),("S","SYN"),("R","RST"),("P","PSH"),(".","ACK")]
print(" ".join("+".join(w for c, w in order if c in l.strip()) for l in sys.stdin), end=" ")')
# The handshake was seen before "capture 2 --file" restarted it: the file
# starts at the restart, so compare with the lines after it.
after=$(sed -n '/capture stopped (started again)/,$p' "$work/out" | grep -c '^\[2\] [<>] TCP')
afterflags=$(sed -n '/capture stopped (started again)/,$p' "$work/out" | grep '^\[2\] [<>] TCP' | awk '{print $7}' | tr '\n' ' ')
if [ "$after" = "$theirs" ] && [ "$afterflags" = "$theirflags" ] && [ "$theirs" -ge 8 ]; then
    ok "pcap: tcpdump -r reads $theirs packets, flags as shown ($ours lines in all)"
else bad "pcap" "netrepl $after: $afterflags" "tcpdump $theirs: $theirflags" "$(head -40 "$work/out")"; fi
# The stop line counts the file's own packets: as many as tcpdump reads.
stop=$(grep '^\[2\] capture stopped: ' "$work/out" | tail -1)
want="[2] capture stopped: $after packets, 0 dropped by the kernel; the file: $theirs packets, 0 dropped by the kernel"
if [ "$stop" = "$want" ]; then ok "pcap: the stop line gives the file's count ($theirs)"
else bad "pcap: stop line" "got:  $stop" "want: $want"; fi

# ---- --count N --file: the file holds the first N, as the lines ----
cat >"$work/count.nr" <<EOS
listen tcp 127.0.0.1:16375 --echo
capture 1 --count 4 --file $work/c.pcap
dial tcp 127.0.0.1:16375
send 2 one -l
recv 2
send 2 two -l
recv 2
close 2
sleep 0.1
EOS
ns timeout 30 "$bin" "$work/count.nr" >"$work/out" 2>&1
lines=$(grep -c '^\[1\] [<>] TCP' "$work/out")
infile=$(tcpdump -nr "$work/c.pcap" 2>/dev/null | wc -l)
first=$(tcpdump -nr "$work/c.pcap" 2>/dev/null | sed -E 's/.*Flags \[([^]]*)\].*/\1/' | tr '\n' ' ')
# The 4th packet (the request) comes in the same command as the echo and its
# ACKs: the file must stop at it too, not at the next command boundary.
if [ "$lines" = 4 ] && [ "$infile" = 4 ] && [ "$first" = "S S. . P. " ] &&
   grep -q '^\[1\] capture stopped after --count: 4 packets, 0 dropped by the kernel; the file: 4 packets, 0 dropped by the kernel$' "$work/out"; then
    ok "count: --count 4 --file: 4 lines, the same 4 packets in the file ($first)"
else bad "count: $lines lines, $infile in the file ($first)" "$(grep -v '^\[1\] [<>]' "$work/out" | head -20)"; fi

# ---- a listener's capture over 3 concurrent clients ----
cat >"$work/listener.nr" <<EOS
listen tcp 127.0.0.1:16371 --capture
dial tcp 127.0.0.1:16371
dial tcp 127.0.0.1:16371
dial tcp 127.0.0.1:16371
send 2 one
send 4 two
send 6 three
sleep 0.1
capture stop
EOS
ns timeout 30 "$bin" "$work/listener.nr" >"$work/out" 2>&1
syn=$(grep -c '^\[1\] < TCP .* SYN seq=0' "$work/out")
synack=$(grep -c '^\[1\] > TCP .* SYN+ACK seq=0 ack=1' "$work/out")
data=$(grep -cE '^\[1\] < TCP .* PSH\+ACK seq=1 ack=1 .* len=(3|5)$' "$work/out")
if [ "$syn" = 3 ] && [ "$synack" = 3 ] && [ "$data" = 3 ]; then ok "listener: 3 clients, 3 handshakes, 3 requests"
else bad "listener: $syn SYN, $synack SYN+ACK, $data requests" "$(head -30 "$work/out")"; fi

# ---- ladders: a listener's two clients, live and afterwards ----
cat >"$work/ladders.nr" <<EOS
listen tcp 127.0.0.1:16374 --ladder
dial tcp 127.0.0.1:16374
sleep 0.05
dial tcp 127.0.0.1:16374
sleep 0.05
close all
sleep 0.1
capture stop
ladder 1
EOS
ns timeout 30 "$bin" "$work/ladders.nr" >"$work/out" 2>&1
# The listener's end on the left: each client's SYN arrives right to left.
# Live, a connection's rows come under a head of its own again when the
# other's came between (the two closes interleave); `ladder 1` draws each
# connection whole, so two heads there.
head_re='^127\.0\.0\.1:16374 +127\.0\.0\.1:[0-9]{4,5}$'
heads=$(grep -cE "$head_re" "$work/out")
after=$(sed -n '/capture stopped/,$p' "$work/out" | grep -cE "$head_re")
clients=$(grep -E "$head_re" "$work/out" | awk '{print $2}' | sort -u | wc -l)
syns=$(grep -cE '^ +\|<-+ SYN -+\|$' "$work/out")
synacks=$(grep -cE '^ +\|-+ SYN\+ACK ack=1 -+>\|$' "$work/out")
if [ "$heads" -ge 4 ] && [ "$after" = 2 ] && [ "$clients" = 2 ] && [ "$syns" = 4 ] &&
   [ "$synacks" = 4 ]; then
    ok "ladders: 2 clients, a ladder each, live and with ladder 1"
else bad "ladders: $heads heads of $clients clients, $syns SYN, $synacks SYN+ACK" "$(head -40 "$work/out")"; fi
n=$(grep -c '^\[1\] capture stopped: ' "$work/out")
pk=$(sed -nE 's/^\[1\] capture stopped: ([0-9]+) packets.*/\1/p' "$work/out")
ns timeout 30 "$bin" --json "$work/ladders.nr" >"$work/json" 2>&1
jp=$(python3 -c '
import json, sys
objs = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
stop = [o for o in objs if o.get("type") == "capture_stop"]
print(sum(1 for o in objs if o.get("type") == "packet"), stop[0]["packets"] if stop else -1)' "$work/json" 2>&1)
if [ "$n" = 1 ] && [ "${jp% *}" = $((2 * ${jp#* })) ] && [ "${jp#* }" -ge 12 ]; then
    ok "ladders --json: packets as data, live and from ladder 1 ($jp; text run $pk)"
else bad "ladders --json: $jp (packets shown, captured)" "$(head -20 "$work/json")"; fi

# ---- 1,000 datagrams, no loss ----
{ echo "listen udp 127.0.0.1:16372"; echo "dial udp 127.0.0.1:16372 --capture"
  for i in $(seq 1000); do echo "send 2 datagram-$i"; done
  echo "sleep 0.1"; echo "capture stop"; } >"$work/thousand.nr"
ns timeout 30 "$bin" "$work/thousand.nr" >"$work/out" 2>&1
n=$(grep -c '^\[2\] > UDP' "$work/out")
if [ "$n" = 1000 ] && grep -q '^\[2\] capture stopped: 1000 packets, 0 dropped by the kernel$' "$work/out"; then
    ok "thousand: 1000 datagrams captured, 0 dropped"
else bad "thousand: $n datagrams shown" "$(tail -3 "$work/out")"; fi

# ---- ladder keeps 10,000 packets a session (not the 8,192 a doubling stops at) ----
{ echo "listen udp 127.0.0.1:16376 --capture"; echo "dial udp 127.0.0.1:16376"
  for i in $(seq 10100); do echo "send 2 d$i"; done
  echo "sleep 0.1"; echo "capture stop"; echo "ladder 1"; } >"$work/kept.nr"
ns timeout 60 "$bin" -q "$work/kept.nr" >"$work/out" 2>&1
if grep -qx '\[1\] 100 later packets not kept (10000 are kept per session)' "$work/out"; then
    ok "kept: ladder keeps 10000 of 10100 packets and says so"
else bad "kept" "$(grep -E 'not kept|stopped' "$work/out" | head -3)"; fi

# ---- an IPv4 client of a dual-stack listener (its address v4-mapped) ----
cat >"$work/mapped.nr" <<EOS
listen tcp :16377
dial tcp 127.0.0.1:16377
accept
capture 3
send 2 hello
recv 3
sleep 0.1
capture stop
EOS
ns timeout 30 "$bin" -q "$work/mapped.nr" >"$work/out" 2>&1
if grep -q '^\[3\] capturing on lo: tcp and port 16377 and host 127\.0\.0\.1 and port [0-9]*$' "$work/out" &&
   grep -q '^\[3\] capture stopped: 2 packets, 0 dropped by the kernel$' "$work/out"; then
    ok "mapped: a v4-mapped peer is captured as IPv4 (the request and its ACK)"
else bad "mapped" "$(cat "$work/out")"; fi

# ---- a dial --capture that fails gives its id back, with no packets kept ----
printf 'dial tcp 127.0.0.1:16378 --capture\nlisten tcp 127.0.0.1:16378\nladder 1\n' >"$work/forget.nr"
ns timeout 30 "$bin" -q -k "$work/forget.nr" >"$work/out" 2>&1
if grep -q '^\[1\] < TCP .* RST+ACK ' "$work/out" && grep -q '^\[1\] listening on tcp 127\.0\.0\.1:16378$' "$work/out" &&
   grep -q 'ladder: \[1\] has no captured packets' "$work/out"; then
    ok "forget: the refused dial's SYN and RST are shown, not kept for the next [1]"
else bad "forget" "$(cat "$work/out")"; fi

# ---- --file to a FIFO: refused in one line with no reader, written with one ----
mkfifo "$work/fifo"
printf 'listen tcp 127.0.0.1:16379\ncapture 1 --file %s\n' "$work/fifo" >"$work/fifo1.nr"
out=$(ns timeout 10 "$bin" -q -k "$work/fifo1.nr" 2>&1)
ns bash -c 'cat "$1" >"$2" & ip link set lo up; exec "${@:3}"' ns "$work/fifo" "$work/fifo.pcap" \
    timeout 10 "$bin" -q -c "listen tcp 127.0.0.1:16379 --echo; capture 1 --file $work/fifo; dial tcp 127.0.0.1:16379; sleep 0.1; capture stop" >/dev/null 2>&1
n=$(tcpdump -nr "$work/fifo.pcap" 2>/dev/null | wc -l)
# trace FILE takes no FIFO: refused at once too (it hung in open() before).
tr=$(ns timeout 10 "$bin" -q -k -c "listen tcp 127.0.0.1:16379; dial tcp 127.0.0.1:16379; trace 2 $work/fifo" 2>&1)
if grep -q "fifo: not a regular file (a FIFO)$" <<<"$tr" &&
   grep -q "fifo: a FIFO nobody reads yet (start the reader first" <<<"$out" && [ "$n" = 3 ]; then
    ok "fifo: no reader: refused at once; a reader (as wireshark -k -i) gets the handshake ($n packets)"
else bad "fifo: $n packets through the FIFO" "$out" "$tr"; fi

# ---- without CAP_NET_RAW ----
out=$(ns setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all "$bin" -k -c \
      'listen tcp 127.0.0.1:16373; dial tcp 127.0.0.1:16373; capture 2; trace 2 on; send 2 hi' 2>&1)
want='netrepl: 3: capture: [2] live capture needs CAP_NET_RAW: run as root, or sudo setcap cap_net_raw,cap_net_admin=eip $(command -v netrepl) (trace needs no privilege)'
if grep -qxF "$want" <<<"$out" && grep -qxF '[2] > at 0, 2 bytes: hi' <<<"$out"; then ok "nobody: refused in one line, trace works"
else bad "nobody" "$out"; fi

# ---- --json: an object per packet and per traced event ----
cat >"$work/json.nr" <<EOS
listen tcp 127.0.0.1:16374
dial tcp 127.0.0.1:16374 --capture
accept
trace 2 on
trace 3 on
send 2 "hello \\x1b[2J" -l
recv 3
send 3 bye
recv 2
close 2
sleep 0.05
capture stop
EOS
ns timeout 30 "$bin" "$work/json.nr" >"$work/text" 2>&1
ns timeout 30 "$bin" --json "$work/json.nr" >"$work/json" 2>&1
if python3 - "$work/text" "$work/json" <<'EOP'
import json, re, sys
text = open(sys.argv[1]).read().splitlines()
objs = [json.loads(l) for l in open(sys.argv[2])]
pk = [o for o in objs if o["type"] == "packet"]
tr = [o for o in objs if o["type"] == "trace"]
tpk = [l for l in text if re.match(r"^\[\d+\] [<>] TCP ", l)]
ttr = [l for l in text if re.match(r"^\[\d+\] [<>] at \d+, ", l)]
assert len(pk) == len(tpk) >= 8, (len(pk), len(tpk))
assert len(tr) == len(ttr) == 4, (len(tr), len(ttr))
for o, l in zip(pk, tpk):
    for k in ("id", "dir", "proto", "src", "dst", "flags", "seq", "win", "len"):
        assert k in o, (k, o)
    assert (l.split()[1] == ">") == (o["dir"] == "sent") and " %s " % o["flags"] in l, (o, l)
    assert ("ack=%d " % o["ack"] in l) if "ack" in o else "ack=" not in l, (o, l)
assert pk[0]["flags"] == "SYN" and pk[0]["seq"] == 0, pk[0]
sent = [o for o in tr if o["id"] == 2 and o["dir"] == "sent"][0]
assert sent["data"] == "hello \x1b[2J\n" and sent["offset"] == 0 and sent["bytes"] == 11, sent
assert b"\x1b" not in open(sys.argv[2], "rb").read(), "a raw ESC in the JSON output"
EOP
then ok "json: an object per packet ($(grep -c '"type":"packet"' "$work/json")) and per traced event ($(grep -c '"type":"trace"' "$work/json")), as the text"
else bad "json" "$(head -30 "$work/json")"; fi

echo "capture: $pass passed, $fail failed"
[ $fail = 0 ]
