# The TLS peers of the tls transcript and examples/starttls.nr (sourced by
# tests/e2e/run.sh): a test PKI made now (tests/tls/pki.sh) and the Python
# ssl peers of tests/tls/peers.py on 127.0.0.1 ports 16310-16315 (16310:
# SMTP-like STARTTLS, 16313: TLS then close_notify; see the script).
export NR_TLS_PORT=16310
bash "$NR_TESTS/../tls/pki.sh" "$NR_WORK/pki" >/dev/null 2>&1 || { echo "setup: no test PKI" >&2; false; }
python3 "$NR_TESTS/../tls/peers.py" "$NR_WORK/pki" $NR_TLS_PORT >/dev/null 2>&1 &
NR_PIDS="$NR_PIDS $!"
for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/16315) 2>/dev/null && break; sleep 0.1; done
