#!/usr/bin/env bash
# The demo cast through the fake upstreams: stethoscope lookup and the page.
source "$(dirname "$0")/lib.sh"
start_stack

lookup() { "$STETHOSCOPE" lookup -c "$CONFIG" --json "$@" 2>>"$RUN_DIR/lookup.err"; }
fake_port() { sed -n 's/^port \([0-9]*\)$/\1/p' "$RUN_DIR/$1.log" | head -n 1; }
set_mode() { curl -fsS -o /dev/null "http://127.0.0.1:$(fake_port "$1")/_fake/mode?set=$2"; }

lookup ada.okafor@example.com >"$RUN_DIR/ada.json"
q() { jq -r "$2" "$RUN_DIR/$1.json"; }
check "ada: one device" [ "$(q ada '.devices | length')" = 1 ]
check "ada: JAMF and bitFit merged" [ "$(q ada '.devices[0].sources | sort | join(",")')" = "bitfit,jamf" ]
check "ada: automatic updates off" [ "$(q ada '.devices[0].practices.autoupdate.status')" = warn ]
check "ada: no errors" [ "$(q ada '.errors | length')" = 0 ]

lookup bruno.lindqvist@example.com >"$RUN_DIR/bruno.json"
check "bruno: Mac and phone" [ "$(q bruno '.devices | length')" = 2 ]
check "bruno: Mac under an old email found through bitFit" \
    [ "$(q bruno '.devices[] | select(.platform == "Mac") | .sources | sort | join(",")')" = "bitfit,jamf" ]
check "bruno: firewall off" [ "$(q bruno '.devices[] | select(.platform == "Mac") | .practices.firewall.status')" = warn ]
check "bruno: USB debugging on" [ "$(q bruno '.devices[] | select(.platform == "Android") | .practices.adbstatus.status')" = warn ]

lookup chiara.esposito@example.com >"$RUN_DIR/chiara.json"
check "chiara: every device ok" [ "$(q chiara '[.devices[].status] | unique | join(",")')" = ok ]
check "chiara: no critical banner" [ "$(q chiara '.critical | length')" = 0 ]

lookup dev.raman@example.com >"$RUN_DIR/dev.json"
check "dev: unencrypted laptop in the banner" \
    [ "$(q dev '[.critical[] | select(.practice == "encryption")] | length')" = 1 ]
check "dev: missing patches named" \
    bash -c "jq -r '.devices[] | select(.platform == \"Windows\") | .practices.uptodate.details' '$RUN_DIR/dev.json' | grep -q KB5070001"
check "dev: Chromebook in developer mode" \
    [ "$(q dev '.devices[] | select(.platform == "ChromeOS") | .practices.jailed.status')" = warn ]

lookup emilie.fournier@example.com >"$RUN_DIR/emilie.json"
check "emilie: no devices" [ "$(q emilie '.devices | length')" = 0 ]
check "emilie: and no errors" [ "$(q emilie '.errors | length')" = 0 ]

"$STETHOSCOPE" lookup -c "$CONFIG" --serial C02CHI0003CC >"$RUN_DIR/serial.txt" 2>>"$RUN_DIR/lookup.err"
check "lookup by serial" grep -q "Chiara's MacBook Pro: ok" "$RUN_DIR/serial.txt"

# The page escapes a hostile device name.
status=$(http -b "stethoscope_demo_user=farid.haddad@example.com" "$BASE/")
check "farid: page 200" [ "$status" = 200 ]
check "farid: name escaped" body_has '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'
check "farid: no raw script" body_lacks '<script>alert'

# One source failing costs only its own devices, and says why.
set_mode google 500
lookup bruno.lindqvist@example.com >"$RUN_DIR/bruno500.json"
check "google 500: Mac still there" [ "$(q bruno500 '[.devices[] | select(.platform == "Mac")] | length')" = 1 ]
check "google 500: error names the source" [ "$(q bruno500 '.errors[0].source')" = google ]
check "google 500: error says HTTP 500" bash -c "jq -r '.errors[0].message' '$RUN_DIR/bruno500.json' | grep -q 500"
status=$(http -b "stethoscope_demo_user=bruno.lindqvist@example.com" "$BASE/")
check "google 500: page still 200" [ "$status" = 200 ]
check "google 500: page notes the missing source" body_has 'Some information is missing'
set_mode google hang
start=$(date +%s%N)
lookup bruno.lindqvist@example.com >"$RUN_DIR/brunohang.json"
elapsed=$(( ($(date +%s%N) - start) / 1000000 ))
check "google hangs: Mac still there" [ "$(q brunohang '[.devices[] | select(.platform == "Mac")] | length')" = 1 ]
check "google hangs: reported as timed out" bash -c "jq -r '.errors[0].message' '$RUN_DIR/brunohang.json' | grep -qi 'timed out'"
check "google hangs: the lookup keeps its deadline" [ "$elapsed" -lt 8000 ]
set_mode google normal
set_mode jamf 401
lookup ada.okafor@example.com >"$RUN_DIR/ada401.json"
check "jamf 401: error says check the credentials" \
    bash -c "jq -r '.errors[] | select(.source == \"jamf\") | .message' '$RUN_DIR/ada401.json' | grep -qi credentials"
set_mode jamf normal

# No credential reaches any output or log.
for secret in jamf-test-password landesk-test-password TEST-ONLY-bitfit-api-token ya29. "BEGIN PRIVATE KEY"; do
	check "no \"$secret\" in outputs or logs" \
	    bash -c "! grep -rqF -- '$secret' '$RUN_DIR'/*.json '$RUN_DIR'/*.log '$RUN_DIR'/*.txt '$RUN_DIR/lookup.err'"
done


finish
