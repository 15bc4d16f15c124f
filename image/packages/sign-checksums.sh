#!/bin/sh
# SHA256SUMS over the packages in DIR, signed (ECDSA P-256, SHA-256) with the packaging key:
#   EGOV_PACKAGING_KEY=/path/release-key.pem (mvn -Degov.packaging.key=...): the release key; its
#   public half is what sites verify against (publish it with the packages' notice).
#   unset: a development key made in DIR for this build, and the signature says so.
# Verify: openssl dgst -sha256 -verify packaging-key.pub.pem -signature SHA256SUMS.sig SHA256SUMS
#         && sha256sum -c SHA256SUMS
set -eu
dir=$1
cd "$dir"
key=${EGOV_PACKAGING_KEY:-}
if [ -z "$key" ] || [ "$key" = '${egov.packaging.key}' ]; then
    key=$dir/packaging-dev.key
    [ -s "$key" ] || openssl ecparam -name prime256v1 -genkey -noout -out "$key" 2>/dev/null
    chmod 600 "$key"
    echo "sign-checksums: signed with a DEVELOPMENT key made for this build ($key); release builds give -Degov.packaging.key=FILE"
fi
ls ./*.deb > /dev/null 2>&1 || { echo "sign-checksums: no .deb in $dir" >&2; exit 1; }
sha256sum -- *.deb > SHA256SUMS
openssl dgst -sha256 -sign "$key" -out SHA256SUMS.sig SHA256SUMS
openssl pkey -in "$key" -pubout -out packaging-key.pub.pem
openssl dgst -sha256 -verify packaging-key.pub.pem -signature SHA256SUMS.sig SHA256SUMS > /dev/null
echo "sign-checksums: $(wc -l < SHA256SUMS) package(s) in $dir/SHA256SUMS, signature SHA256SUMS.sig, public key packaging-key.pub.pem"
