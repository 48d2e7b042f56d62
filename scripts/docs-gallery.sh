#!/usr/bin/env bash
# Copies the README's gallery into docs/ from the last e2e run's screenshots
# (`target/e2e-screenshots/`, written by `./dev test` or `cargo test -p hourbank-e2e`).
# Run it after an e2e run whenever a page in the gallery changed, and look at the pictures.
set -euo pipefail
cd "$(dirname "$0")/.."
shots=target/e2e-screenshots
while read -r doc shot; do
    [ -f "$shots/$shot" ] || { echo "missing $shots/$shot: run the e2e tests first" >&2; exit 1; }
    cp "$shots/$shot" "docs/$doc"
    echo "docs/$doc ← $shots/$shot"
done <<'MAP'
calculator.png calculator-1024.png
calculator-phone.png calculator-390.png
compare-phone.png compare-390.png
portal-overview.png gallery-1366-client-overview.png
portal-overview-phone.png gallery-390-client-overview.png
contact-phone.png gallery-390-contact.png
admin-audit.png gallery-1366-admin-audit.png
act.png act.png
MAP
