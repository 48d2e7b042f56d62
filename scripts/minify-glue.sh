#!/usr/bin/env bash
# Trunk post-build hook (Trunk.toml): minifies wasm-bindgen's JS glue with esbuild, because
# Trunk's own JS minifier gives up on the glue's `export default` ("Failed to minify JS").
# Release builds only. The pages carry no `integrity` attributes (`data-integrity="none"`): every
# file is our own, from the same origin as the page, so a hash guards nothing HTTPS does not, and
# three base64 hashes were 200 bytes of every page's first load.
# The calculator's first load: 1.5 kB (brotli) smaller.
set -euo pipefail
[ "${TRUNK_PROFILE:-}" = release ] || exit 0
tools="${HOURBANK_TOOLS:-$HOME/.cache/hourbank-tools}/node_modules/.bin"
esbuild=$(PATH="$tools:$PATH" command -v esbuild) || { echo "esbuild not found: run ./dev setup" >&2; exit 1; }
here=$(cd "$(dirname "$0")" && pwd)
cd "$TRUNK_STAGING_DIR"
shopt -s nullglob
minified=0
for js in *.js; do
    # Only the glue, which Trunk names with its hash and index.html loads (a copied sw.js stays as it is).
    # The hash is written without leading zeros: 15 hex digits or fewer now and then.
    [[ "$js" =~ -[0-9a-f]{1,16}\.js$ ]] && grep -qF "/$js" index.html || continue
    # wasm-streams' classes go with their exports (drop-stream-glue.mjs says why).
    node "$here/drop-stream-glue.mjs" "$js" "${js%.js}_bg.wasm"
    "$esbuild" "$js" --minify --format=esm --log-level=warning --outfile="$js.min"
    mv "$js.min" "$js"
    minified=$((minified + 1))
done
[ "$minified" = 1 ] || { echo "minify-glue: expected one JS glue file in $TRUNK_STAGING_DIR, minified $minified" >&2; exit 1; }
