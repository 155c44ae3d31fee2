#!/usr/bin/env bash
# Calls the docaxis gateway with a DX1-HMAC-SHA256 signed request, using only curl, openssl and sha256sum.
#   DX_URL=http://127.0.0.1:8080 DX_SYSTEM=demo-qlvb-a DX_SECRET=... scripts/dx-curl.sh PATH [BODY_FILE] [curl args...]
# The body is sent as is (a JSON file for most calls, the edXML file for /sendEdoc).
set -euo pipefail
path=$1
body=${2:-/dev/null}
shift $(( $# >= 2 ? 2 : 1 ))
ts=$(date +%s)
nonce=$(openssl rand -hex 16) # fresh for every request: the gateway refuses a nonce it has seen (AUTH_REPLAYED)
body_sha=$(sha256sum "$body" | cut -d' ' -f1)
sig=$(printf 'DX1-HMAC-SHA256\nPOST\n%s\n%s\n%s\n%s' "$path" "$ts" "$nonce" "$body_sha" |
  openssl dgst -sha256 -hmac "$DX_SECRET" -hex | sed 's/^.*= //')
exec curl -sS -X POST "$DX_URL$path" \
  -H "x-dx-system: $DX_SYSTEM" -H "x-dx-timestamp: $ts" -H "x-dx-nonce: $nonce" -H "x-dx-signature: $sig" \
  --data-binary "@$body" "$@"
