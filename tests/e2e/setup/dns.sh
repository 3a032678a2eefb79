# Sourced by tests/e2e/run.sh (and bench/dns): starts nsd, a real
# authoritative DNS server from Debian, on 127.0.0.1 and ::1, serving the
# zones in tests/dns/. Exports NR_DNS_PORT and adds nsd's PID to NR_PIDS.
# Runs as root without dropping privileges; its config, pid file and state
# live in $NR_WORK/dns; remote control is off.
# NR_DNS_BENCH=N also serves bench.test with names n0..n(N-1) (bench/dns).
nr_dns_setup() {
    local nsd dir port conf z i
    nsd=$(command -v nsd || echo /usr/sbin/nsd)
    [ -x "$nsd" ] || { echo "dns.sh: nsd not installed (tests/deps.sh test)" >&2; return 1; }
    port=${NR_DNS_PORT:-15353}
    dir=$NR_WORK/dns
    mkdir -p "$dir"
    cp "$NR_TESTS"/../dns/*.zone "$dir"/ 2>/dev/null || cp "$NR_TESTS"/dns/*.zone "$dir"/
    conf=$dir/nsd.conf
    cat >"$conf" <<CONF
server:
    ip-address: 127.0.0.1@$port
    ip-address: ::1@$port
    username: ""
    chroot: ""
    zonesdir: "$dir"
    database: ""
    zonelistfile: "$dir/zone.list"
    xfrdfile: "$dir/xfrd.state"
    xfrdir: "$dir"
    pidfile: "$dir/nsd.pid"
    logfile: "$dir/nsd.log"
    server-count: ${NR_DNS_SERVER_COUNT:-1}
    verbosity: 0
    hide-version: yes
    nsid: "ascii_nr-test-nsd"
    round-robin: no
remote-control:
    control-enable: no
CONF
    if [ -n "${NR_DNS_BENCH:-}" ]; then
        {
            printf '$ORIGIN bench.test.\n$TTL 300\n'
            printf '@ IN SOA ns1.nr.test. hostmaster.nr.test. 1 3600 900 604800 300\n'
            printf '@ IN NS ns1.nr.test.\n'
            awk -v n="$NR_DNS_BENCH" 'BEGIN { for (i = 0; i < n; i++)
                printf "n%d IN A 10.%d.%d.%d\n", i, int(i / 65536) % 256, int(i / 256) % 256, i % 256 }'
        } >"$dir/bench.test.zone"
    fi
    # sec.test is signed now, with fresh keys (ldns-utils' ldns-keygen and
    # ldns-signzone); without them it is served unsigned.
    if [ -f "$dir/sec.test.zone" ] && command -v ldns-signzone >/dev/null; then
        (cd "$dir" && ksk=$(ldns-keygen -a ECDSAP256SHA256 -k sec.test) &&
            zsk=$(ldns-keygen -a ECDSAP256SHA256 sec.test) &&
            ldns-signzone -f sec.test.signed sec.test.zone "$ksk" "$zsk" &&
            mv sec.test.signed sec.test.zone) >"$dir/sign.out" 2>&1 ||
            { echo "dns.sh: signing sec.test failed:" >&2; cat "$dir/sign.out" >&2; return 1; }
    fi
    for z in "$dir"/*.zone; do
        z=$(basename "$z" .zone)
        printf 'zone:\n    name: "%s"\n    zonefile: "%s.zone"\n' "$z" "$z" >>"$conf"
    done
    "$nsd" -d -c "$conf" >"$dir/nsd.out" 2>&1 &
    NR_PIDS="$NR_PIDS $!"
    export NR_DNS_PORT=$port
    for i in $(seq 1 100); do
        if dig +short +tries=1 +time=1 @127.0.0.1 -p "$port" nr.test SOA 2>/dev/null | grep -q hostmaster; then
            return 0
        fi
        sleep 0.05
    done
    echo "dns.sh: nsd did not answer on port $port:" >&2
    cat "$dir/nsd.out" "$dir/nsd.log" >&2 2>/dev/null
    return 1
}
nr_dns_setup
