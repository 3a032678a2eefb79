#!/bin/sh
# Installs what netrepl needs to build (build) or to build and test (test),
# only when it is missing: pkg-config first, then Debian's apt-get.
# Each line: kind name package  (kind: pc = pkg-config module, cmd = program,
# file = a file the package installs)
set -eu
mode=${1:-build}

build_list='cmd cc gcc
cmd make make
cmd pkg-config pkg-config
pc readline libreadline-dev
pc libcares libc-ares-dev
pc libpcre2-8 libpcre2-dev
pc ldns libldns-dev
pc openssl libssl-dev
pc libpcap libpcap-dev
file /etc/ssl/certs/ca-certificates.crt ca-certificates'

test_list='pc cmocka libcmocka-dev
cmd tmux tmux
cmd python3 python3
cmd socat socat
cmd openssl openssl
cmd nsd nsd
cmd dig bind9-dnsutils
cmd ldns-signzone ldnsutils
cmd dnsperf dnsperf
cmd ping iputils-ping
cmd ip iproute2
cmd setpriv util-linux
cmd unshare util-linux
cmd flock util-linux
cmd go golang-go
cmd tcpdump tcpdump'

list=$build_list
[ "$mode" = test ] && list="$build_list
$test_list"

missing=
have() {
    case $1 in
    pc)  command -v pkg-config >/dev/null 2>&1 && pkg-config --exists "$2" ;;
    cmd) command -v "$2" >/dev/null 2>&1 || [ -x "/usr/sbin/$2" ] || [ -x "/sbin/$2" ] ;;
    file) [ -e "$2" ] ;;
    esac
}
while read -r kind name pkg; do
    [ -n "$kind" ] || continue
    have "$kind" "$name" || case " $missing " in *" $pkg "*) ;; *) missing="$missing $pkg" ;; esac
done <<LIST
$list
LIST

[ -z "$missing" ] && exit 0
echo "netrepl: installing missing packages:$missing"
if ! command -v apt-get >/dev/null 2>&1; then
    echo "netrepl: no apt-get here; please install:$missing" >&2
    exit 1
fi
sudo=
if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null 2>&1 || { echo "netrepl: need root (or sudo) to install:$missing" >&2; exit 1; }
    sudo=sudo
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# shellcheck disable=SC2086
$sudo apt-get install -y -qq --no-install-recommends $missing
