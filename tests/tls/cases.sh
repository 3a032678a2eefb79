# The TLS cases, sourced by run.sh (t NAME SCRIPT PATTERN...; cwd: the PKI).

# ---- netrepl as the client: openssl s_server, socat, Python peers ----
t "dial tls 1.3, ALPN, verified, data both ways" '
dial tls 127.0.0.1:16300 --ca ca.pem --sni localhost --alpn h2
send -l hello
recv --until "olleh"
sessions
info
close' \
  '^\[1\] tls 127\.0\.0\.1:[0-9]+ -> 127\.0\.0\.1:16300 \(connected in [0-9.]+ ms\) TLSv1\.3 TLS_[A-Z0-9_]+ alpn h2, verified: localhost \(issued by netrepl test CA\)$' \
  '^olleh' ' 1 tls +dial .* verified ' '  sni         localhost' '  group       ' \
  '    subject     CN=localhost' '    issuer      O=netrepl test, CN=netrepl test CA' \
  '    names       localhost, 127\.0\.0\.1, ::1' '    key         EC P-256' \
  '    sha256      ([0-9A-F]{2}:){31}[0-9A-F]{2}$' '  cert 1' '!netrepl: '
t "dial tls --tls1.2, ALPN http/1.1, IP checked without SNI" '
dial tls4 127.0.0.1:16300 --ca ca.pem --tls1.2 --alpn http/1.1
info' \
  'TLSv1\.2 ECDHE-ECDSA-[A-Z0-9-]+ alpn http/1.1, verified' '  sni         -' '!netrepl: '
t "dial tls: the system store does not know the test CA" '
dial tls 127.0.0.1:16300' \
  'dial: \[1\] 127\.0\.0\.1: issuer not trusted: netrepl test root CA \(use --ca FILE to trust its issuer, or --insecure\)$'
t "dial tls: expired" 'dial tls 127.0.0.1:16301 --ca ca.pem' \
  'dial: \[1\] 127\.0\.0\.1: certificate expired on 2021-01-01 00:00:00 UTC \(--insecure'
t "dial tls: not yet valid" 'dial tls 127.0.0.1:16302 --ca ca.pem' \
  'certificate is not valid before 2040-01-01 00:00:00 UTC'
t "dial tls: another name" 'dial tls 127.0.0.1:16303 --ca ca.pem --sni localhost' \
  'certificate is for other\.example, www\.other\.example, not localhost \(--sni NAME'
t "dial tls: another IP" 'dial tls 127.0.0.1:16303 --ca ca.pem' \
  'certificate is for other\.example, www\.other\.example, not 127\.0\.0\.1'
t "dial tls: self-signed" 'dial tls 127.0.0.1:16304 --ca ca.pem' \
  'certificate is self-signed \(use --ca FILE with that certificate, or --insecure\)'
t "dial tls: self-signed, trusted with --ca itself" 'dial tls 127.0.0.1:16304 --ca self.pem --sni localhost' \
  'TLSv1\.3 .*, verified: localhost \(issued by localhost\)'
t "dial tls --insecure: unverified, and why" '
dial tls 127.0.0.1:16301 --ca ca.pem --insecure
sessions
info' \
  'unverified: localhost \(issued by netrepl test CA\)' \
  '  would have failed: certificate expired on 2021-01-01' ' 1 tls +dial .* unverified ' \
  '  verify      unverified \(certificate expired'
t "info: a hostile subject is escaped" '
dial tls 127.0.0.1:16305 --ca ca.pem
info
set json on
info' \
  'subject     CN=evil\\x1b\[31mred' '"subject":"CN=evil\\u001b\[31mred"' $'!\033'
t "client certificate: given, and missing" '
dial tls 127.0.0.1:16306 --ca ca.pem --cert client.chain.pem --key client.key
send -l abc
recv --until cba
close
dial tls 127.0.0.1:16306 --ca ca.pem --tls1.2' \
  '^\[1\] tls .* verified: localhost' '^cba' \
  'dial: \[2\] TLS handshake failed: the peer refused the handshake: .*alert handshake failure \(does it want a client certificate\? --cert FILE --key FILE\)$'
t "--cert without --key; a bad --ca" '
dial tls 127.0.0.1:16300 --cert client.pem
dial tls 127.0.0.1:16300 --ca nowhere.pem
dial tcp 127.0.0.1:16300 --insecure' \
  'dial: --cert and --key go together' 'dial: --ca nowhere\.pem: No such file or directory' \
  'dial: tcp: TLS options need network tls, tls4 or tls6'
t "socat OPENSSL-LISTEN as the peer" '
dial tls 127.0.0.1:16340 --ca ca.pem
send -l "through socat"
recv --until "socat\n"' \
  'verified: localhost' '^through socat'
t "a plaintext peer" 'dial tls 127.0.0.1:16324 --ca ca.pem --timeout 3' \
  'dial: \[1\] TLS handshake failed: the peer does not speak TLS \(wrong version number\)'
t "a wrong-protocol peer (HTTP)" 'dial tls 127.0.0.1:16325 --ca ca.pem --timeout 3' \
  'dial: \[1\] TLS handshake failed: the peer does not speak TLS'
t "a peer that never answers the handshake" '
listen tcp 127.0.0.1:16330
dial tls 127.0.0.1:16330 --ca ca.pem --timeout 0.5' \
  'dial: \[2\] TLS handshake timed out \(the peer did not answer\)'
t "truncation without close_notify" '
dial tls 127.0.0.1:16322 --ca ca.pem
recv --all' \
  '^partial\(TLS: no close_notify: the data may be truncated\) \(peer closed the connection\)$|^partial$'
t "a clean close_notify" '
dial tls 127.0.0.1:16323 --ca ca.pem
recv --all
set json on
recv' \
  '\(TLS: close_notify\) \(peer closed the connection\)' '"tls_end":"close_notify"'

# ---- STARTTLS against the Python SMTP-like peer ----
t "starttls: SMTP-like upgrade" '
dial tcp 127.0.0.1:16320
recv --until "ready\r\n"
send --crlf STARTTLS
recv --until "ahead\r\n"
starttls --ca ca.pem --sni localhost
send --crlf hello
recv --until "\n"
send --crlf QUIT
recv --all
sessions' \
  '^\[1\] tls 127\.0\.0\.1:[0-9]+ -> 127\.0\.0\.1:16320 TLSv1\.3 .* verified: localhost' \
  '^250 secure: hello' '\(TLS: close_notify\)' '!discarded'
t "starttls: injected plaintext is discarded, never read as TLS" '
dial tcp 127.0.0.1:16321
recv --until "ready\r\n"
send --crlf STARTTLS
recv --until "ahead\r\n"
sleep 0.2
starttls --ca ca.pem
send --crlf hello
recv --until "\n"' \
  '  discarded 14 bytes of plaintext received before the upgrade' '^250 secure: hello' \
  '!INJECTED'
t "starttls: not on a listener, not twice" '
listen tcp 127.0.0.1:16331
starttls 1
dial tls 127.0.0.1:16300 --ca ca.pem
starttls' \
  'starttls: \[1\] is not a TCP connection' 'starttls: \[2\] already speaks TLS'

# ---- netrepl as the server: s_client, socat ----
# srv SCRIPT: runs netrepl in the background (its output in $work/srv.out)
# and waits until it listens on port $port.
srv() {
    timeout 30 "$bin" -k <<<"$1" >"$work/srv.out" 2>&1 &
    srvpid=$!
    # Not by connecting: that would be a client of the listener.
    for i in $(seq 50); do grep -q "listening on tls 127.0.0.1:$port" "$work/srv.out" && return; sleep 0.1; done
}
port=16332
srv "listen tls 127.0.0.1:$port --echo
info --pem
sleep 6"
for i in $(seq 30); do grep -q 'END CERT' "$work/srv.out" && break; sleep 0.1; done
sed -n '/BEGIN CERT/,/END CERT/p' "$work/srv.out" >"$work/eph.pem"
# Three clients at once, each talking for a second.
(echo "hello 1.3"; sleep 1) | openssl s_client -quiet -tls1_3 -connect 127.0.0.1:$port -CAfile "$work/eph.pem" -verify_hostname localhost -verify_return_error >"$work/c13" 2>&1 &
(echo "hello 1.2"; sleep 1) | openssl s_client -quiet -tls1_2 -connect 127.0.0.1:$port -CAfile "$work/eph.pem" -verify_return_error >"$work/c12" 2>&1 &
(echo "via socat"; sleep 1) | socat - OPENSSL:127.0.0.1:$port,cafile="$work/eph.pem",commonname=localhost >"$work/cso" 2>&1 &
wait $srvpid
c13=$(cat "$work/c13") c12=$(cat "$work/c12") cso=$(cat "$work/cso")
check "listen tls --echo: s_client 1.3 and 1.2, socat, trusting info --pem" "$c13
$c12
$cso" \
  '^hello 1\.3' 'hello 1\.2' 'via socat'
check "listen tls: the ephemeral certificate" "$(cat "$work/srv.out")" \
  'certificate ephemeral, self-signed, EC P-256, for localhost, 127\.0\.0\.1, ::1' \
  '  sha256      ([0-9A-F]{2}:){31}[0-9A-F]{2}$' '^-----BEGIN CERTIFICATE-----$'

port=16333
srv "listen tls 127.0.0.1:$port --cert good.chain.pem --key key.pem
listen tls 127.0.0.1:$port --cert good.chain.pem --key good.chain.pem
listen tls 127.0.0.1:$port --cert good.chain.pem --key good.key --client-ca ca.pem --alpn h2
accept --timeout 5
recv --until \"\\n\" --timeout 5
send -l \"to the client\"
sleep 0.3
info"
cc1=$( (echo "with a cert"; sleep 1) | openssl s_client -quiet -connect 127.0.0.1:$port -CAfile ca.pem -cert client.pem -cert_chain int.pem -key client.key -alpn h2 2>&1)
wait $srvpid
check "listen tls --client-ca: a client certificate is required and verified" "$(cat "$work/srv.out")
$cc1" \
  'listen: --key key\.pem: No such file or directory' \
  'listen: --key good\.chain\.pem: no private key in it, or one it cannot use \(PEM: -----BEGIN PRIVATE KEY-----; OpenSSL: ' \
  '^\[1\] listening on tls 127\.0\.0\.1:16333' '^with a cert' '^to the client' '  verify      verified' \
  '    subject     CN=netrepl test client' '  alpn        h2'

# ---- starttls --server: netrepl accepts, a Python ssl client upgrades ----
# srv_tcp SCRIPT: as srv, for a plain TCP listener on $port.
srv_tcp() {
    timeout 30 "$bin" -k <<<"$1" >"$work/srv.out" 2>&1 &
    srvpid=$!
    for i in $(seq 50); do grep -q "listening on tcp 127.0.0.1:$port" "$work/srv.out" && return; sleep 0.1; done
}
starttls_server() {   # plain|inject
    srv_tcp "listen tcp 127.0.0.1:$port
accept --timeout 5
send --crlf \"220 ready\"
recv --until \"\\n\" --timeout 5
sleep 0.2
send --crlf \"220 go ahead\"
starttls --server --cert good.chain.pem --key good.key
recv --until \"\\n\" --timeout 5
send --crlf \"250 secure\"
sleep 0.3
sessions
info"
    cl=$(timeout 20 python3 "$here/starttls_client.py" $port ca.pem $([ "$1" = inject ] && echo inject) 2>&1)
    wait $srvpid
    out="$(cat "$work/srv.out")
$cl"
}
port=16334
starttls_server plain
check "starttls --server: a Python ssl client upgrades after STARTTLS" "$out" \
  '^\[2\] tls 127\.0\.0\.1:16334 -> 127\.0\.0\.1:[0-9]+ TLSv1\.3 ' '^hello tls' \
  '^tls: TLSv1\.3 localhost$' '^answer: 250 secure$' '  tls         TLSv1\.3 ' '!discarded'
port=16335
starttls_server inject
check "starttls --server: plaintext pipelined behind STARTTLS is discarded" "$out" \
  '  discarded 10 bytes of plaintext received before the upgrade' '^hello tls' \
  '^answer: 250 secure$' '!INJECTED\\r'
