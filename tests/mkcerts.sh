#!/bin/sh
# Generate the throwaway certificates the tests use, into DIR (default
# ./certs).  Run at test time: nothing here is ever committed.
#
#   ca.pem ca.key            the test CA ("facteur test CA")
#   server.pem server.key    localhost, 127.0.0.1, ::1; signed by the CA
#   expired.pem expired.key  same names, expired in 2020
#   wrongname.pem .key       for wrong.example only; signed by the CA
#   other-ca.pem             a CA nobody trusts
#   unknown.pem unknown.key  localhost, signed by other-ca
#   selfsigned.pem .key      localhost, self-signed
#   client.pem client.key    a client certificate signed by the CA
#   revoked.pem revoked.key  localhost, signed by the CA, then revoked
#   crl-empty.pem            the CA's CRL before that: nothing revoked
#   crl-revoked.pem          the CA's CRL listing revoked.pem
#   alice-client.pem .key    a client certificate for user alice (CN),
#                            for Dovecot's EXTERNAL login
#   dh.pem                   DH parameters (ffdhe2048) for Dovecot
set -eu
dir=${1:-certs}
mkdir -p "$dir"
cd "$dir"
[ -s stamp ] && exit 0

key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

cat > ca.cnf <<'CNF'
[ ca ]
default_ca = testca
[ testca ]
dir = .
database = index.txt
new_certs_dir = .
serial = serial
default_md = sha256
default_crl_days = 3650
policy = any
copy_extensions = copy
unique_subject = no
[ any ]
commonName = supplied
[ server ]
basicConstraints = CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
[ client ]
basicConstraints = CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = clientAuth
CNF
: > index.txt
echo 1000 > serial

mkca() { # name cn
	key "$1.key"
	openssl req -x509 -new -key "$1.key" -out "$1.pem" -days 3650 \
	    -subj "/CN=$2" -addext "basicConstraints=critical,CA:TRUE" \
	    -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
}

# name cn san ca-name ext [startdate enddate]
mkcert() {
	key "$1.key"
	openssl req -new -key "$1.key" -out "$1.csr" -subj "/CN=$2" \
	    ${3:+-addext "subjectAltName=$3"} 2>/dev/null
	if [ $# -ge 7 ]; then
		dates="-startdate $6 -enddate $7"
	else
		dates="-days 3650"
	fi
	# shellcheck disable=SC2086
	openssl ca -batch -config ca.cnf -cert "$4.pem" -keyfile "$4.key" \
	    -extensions "$5" $dates -in "$1.csr" -out "$1.pem" \
	    -notext 2>/dev/null
	rm -f "$1.csr"
}

names="DNS:localhost,IP:127.0.0.1,IP:::1"
mkca ca "facteur test CA"
mkca other-ca "untrusted test CA"
mkcert server localhost "$names" ca server
mkcert expired localhost "$names" ca server 20200101000000Z 20200201000000Z
mkcert wrongname wrong.example "DNS:wrong.example" ca server
mkcert unknown localhost "$names" other-ca server
mkcert client "facteur test client" "" ca client
mkcert alice-client alice "" ca client
crl() {
	openssl ca -config ca.cnf -cert ca.pem -keyfile ca.key -gencrl \
	    -out "$1" 2>/dev/null
}
crl crl-empty.pem
mkcert revoked localhost "$names" ca server
openssl ca -config ca.cnf -cert ca.pem -keyfile ca.key -revoke revoked.pem \
    2>/dev/null
crl crl-revoked.pem
key selfsigned.key
openssl req -x509 -new -key selfsigned.key -out selfsigned.pem -days 3650 \
    -subj "/CN=localhost" -addext "subjectAltName=$names" 2>/dev/null
openssl genpkey -genparam -algorithm DH -pkeyopt group:ffdhe2048 \
    -out dh.pem 2>/dev/null
chmod 644 ./*.pem
chmod 600 ./*.key
echo ok > stamp
