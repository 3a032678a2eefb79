#!/usr/bin/env bash
# Makes the test PKI in directory $1 with the openssl command: a root CA, an
# intermediate, and leaves signed by it — good (localhost, 127.0.0.1, ::1),
# expired, not yet valid, for another name, with ESC bytes in its subject —
# plus a self-signed leaf and a client certificate. chain.pem = leaf +
# intermediate for each server leaf (NAME.chain.pem).
set -eu
d=$1
mkdir -p "$d" && cd "$d"
q() { "$@" >/dev/null 2>&1 || { echo "pki.sh: failed: $*" >&2; "$@"; exit 1; }; }
key() { q openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1.key"; }
cat >ca.cnf <<CNF
[ca]
default_ca = ca_sec
[ca_sec]
dir = .
database = index.txt
new_certs_dir = newcerts
serial = serial
default_md = sha256
policy = pol
copy_extensions = copy
unique_subject = no
[pol]
commonName = supplied
[v3_ca]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[leaf]
basicConstraints = CA:FALSE
extendedKeyUsage = serverAuth,clientAuth
CNF
mkdir -p newcerts; : >index.txt; echo 1000 >serial
key ca
q openssl req -x509 -new -key ca.key -subj "/O=netrepl test/CN=netrepl test root CA" -days 3650 \
    -out ca.pem -config ca.cnf -extensions v3_ca
key int
q openssl req -new -key int.key -subj "/O=netrepl test/CN=netrepl test CA" -out int.csr
q openssl x509 -req -in int.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 3650 \
    -extfile ca.cnf -extensions v3_ca -out int.pem
# leaf NAME SUBJECT SAN [ca-args...]: signed by the intermediate
leaf() {
    local n=$1 subj=$2 san=$3; shift 3
    key "$n"
    q openssl req -new -key "$n.key" -subj "$subj" -addext "subjectAltName=$san" -out "$n.csr"
    q openssl ca -batch -config ca.cnf -cert int.pem -keyfile int.key -extensions leaf \
        -in "$n.csr" -out "$n.pem" -notext "$@"
    cat "$n.pem" int.pem >"$n.chain.pem"
}
good="DNS:localhost,IP:127.0.0.1,IP:::1"
leaf good "/CN=localhost" "$good" -days 30
leaf expired "/CN=localhost" "$good" -startdate 20200101000000Z -enddate 20210101000000Z
leaf future "/CN=localhost" "$good" -startdate 20400101000000Z -enddate 20410101000000Z
leaf other "/CN=other.example" "DNS:other.example,DNS:www.other.example" -days 30
leaf client "/CN=netrepl test client" "DNS:client.test" -days 30
leaf esc "/CN=evil$(printf '\033')[31mred" "$good" -days 30 -utf8
key self
q openssl req -x509 -new -key self.key -subj "/CN=localhost" -addext "subjectAltName=$good" \
    -days 30 -out self.pem
