# The start of a suite that runs cases in network namespaces it makes
# (sourced after the script's own --inner branch): the machine-wide test
# lock, the arguments, a skip (exit 0, saying why) unless root with
# unshare, ip, setpriv and timeout, and a private $work and HOME.
# Before sourcing: suite=NAME and why="WHAT ROOT IS NEEDED FOR".
# Sets: bin, here, self (the script, for `unshare -n "$self" --inner`), work.

# Suites that use fixed loopback ports or raw ICMP take turns machine-wide,
# so two checkouts testing at once cannot see each other's traffic (the
# --inner re-run runs under the lock its caller holds).
exec 9>"${TMPDIR:-/tmp}/netrepl-tests.lock"
flock 9

[ $# -eq 1 ] || { echo "usage: $0 NETREPL" >&2; exit 2; }
bin=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
self="$here/$(basename "$0")"

skip() { echo "$suite: skipped: $*"; exit 0; }
[ "$(id -u)" = 0 ] || skip "needs root ($why)"
for c in unshare ip setpriv timeout; do
    command -v "$c" >/dev/null 2>&1 || skip "$c is not installed"
done
unshare -n true 2>/dev/null || skip "cannot create a network namespace (unshare -n failed)"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export NETREPL_DNS=127.0.0.1:9 HOME=$work XDG_STATE_HOME=$work/state
