# Sourced by tests/e2e/run.sh: starts tests/dns/faultdns.py, a DNS server
# that answers SERVFAIL, REFUSED, truncated, malformed or nothing depending
# on the query name, on 127.0.0.1 (UDP and TCP). Exports NR_FAULT_PORT.
nr_fault_setup() {
    local port=${NR_FAULT_PORT:-15354} i
    python3 "$NR_TESTS/../dns/faultdns.py" "$port" >"$NR_WORK/faultdns.log" 2>&1 &
    NR_PIDS="$NR_PIDS $!"
    export NR_FAULT_PORT=$port
    for i in $(seq 1 100); do
        if dig +short +tries=1 +time=1 @127.0.0.1 -p "$port" ok.fault.test 2>/dev/null | grep -q 192.0.2.99; then
            return 0
        fi
        sleep 0.05
    done
    echo "dnsfault.sh: faultdns.py did not answer on port $port:" >&2
    cat "$NR_WORK/faultdns.log" >&2
    return 1
}
nr_fault_setup
