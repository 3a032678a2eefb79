# Foreign peers for the session transcripts (sourced by tests/e2e/run.sh).
# Fixed loopback ports 16100-16199 (the .nr files cannot read variables):
#   NR_FLOOD_PORT  socat: 3,000,000 zero bytes to whoever connects, then EOF
#   NR_SOCAT_PORT  socat: an echo server (EXEC:cat), a foreign peer
#   NR_RESET_PORT  sends "bye\n" then resets        (peers.py)
#   NR_HOLE_PORT   never answers a SYN: dial times out (peers.py)
#   NR_NXDNS_PORT  DNS: multi.test -> 127.0.0.9, 127.0.0.1; else NXDOMAIN (peers.py)
export NR_FLOOD_PORT=16110 NR_SOCAT_PORT=16114 NR_RESET_PORT=16112 NR_HOLE_PORT=16113 NR_NXDNS_PORT=16153

nr_wait_port() {   # PORT: wait up to 5 s for a TCP listener on 127.0.0.1
    local i
    for i in $(seq 50); do
        (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
        sleep 0.1
    done
    echo "setup: nothing listens on 127.0.0.1:$1" >&2
    return 1
}

socat TCP-LISTEN:$NR_FLOOD_PORT,bind=127.0.0.1,fork,reuseaddr \
    SYSTEM:'head -c 3000000 /dev/zero' 2>/dev/null &
NR_PIDS="$NR_PIDS $!"
socat TCP-LISTEN:$NR_SOCAT_PORT,bind=127.0.0.1,fork,reuseaddr EXEC:cat 2>/dev/null &
NR_PIDS="$NR_PIDS $!"
mkfifo "$NR_WORK/peers.ready"
python3 "$NR_TESTS/setup/peers.py" $NR_RESET_PORT $NR_HOLE_PORT $NR_NXDNS_PORT \
    >"$NR_WORK/peers.ready" &
NR_PIDS="$NR_PIDS $!"
read -r -t 10 _ <"$NR_WORK/peers.ready" || { echo "setup: peers.py did not start" >&2; false; }
nr_wait_port $NR_FLOOD_PORT && nr_wait_port $NR_SOCAT_PORT
