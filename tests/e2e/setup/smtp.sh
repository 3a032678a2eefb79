# The SMTP-like server of the expect transcripts and examples/smtp_expect.nr
# (sourced by tests/e2e/run.sh): tests/e2e/setup/smtp.py on 127.0.0.1 ports
# 16120-16124 (see the script for what each port does).
export NR_SMTP_PORT=16120
mkfifo "$NR_WORK/smtp.ready"
python3 "$NR_TESTS/setup/smtp.py" $NR_SMTP_PORT >"$NR_WORK/smtp.ready" &
NR_PIDS="$NR_PIDS $!"
read -r -t 10 _ <"$NR_WORK/smtp.ready" || { echo "setup: smtp.py did not start" >&2; false; }
