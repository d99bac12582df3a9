#!/usr/bin/env bash
# stethoscope evaluate: records in, merged and evaluated devices out.
source "$(dirname "$0")/lib.sh"
work=$(mktemp -d "${TMPDIR:-/tmp}/stethoscope-evaluate.XXXXXX")
trap 'rm -rf "$work"; summary' EXIT

cat >"$work/config.yaml" <<YAML
listen: unix:$work/s.sock
practices: $top/etc/practices.yaml
templates: $top/templates
YAML
"$STETHOSCOPE" evaluate -c "$work/config.yaml" "$top/tests/evaluate/people.json" \
    >"$work/out.json" 2>"$work/err"
check "evaluate: exit 0" [ $? = 0 ]
q() { jq -r "$1" "$work/out.json"; }

check "four devices after merging" [ "$(q '.devices | length')" = 4 ]
check "the Mac merged from JAMF and bitFit by serial" \
    [ "$(q '.devices[] | select(.name == "Bruno'"'"'s MacBook Pro") | .sources | join(",")')" = "jamf,bitfit" ]
check "merged fields come from the newest record" \
    [ "$(q '.devices[] | select(.sources[0] == "jamf") | .email')" = "bruno.lindqvist@example.com" ]
check "firewall off is warn" \
    [ "$(q '.devices[] | select(.sources[0] == "jamf") | .practices.firewall.status')" = warn ]
check "observation details are kept" \
    [ "$(q '.devices[] | select(.sources[0] == "jamf") | .practices.firewall.details')" = "The application firewall is off" ]
check "directions for the device's platform" \
    [ "$(q '.devices[] | select(.sources[0] == "jamf") | .practices.firewall.directions | length > 0')" = true ]
check "worst practice first" \
    [ "$(q '.devices[] | select(.sources[0] == "jamf") | .practices | to_entries[0].value.status')" = warn ]
check "phone practices do not apply to a Mac" \
    [ "$(q '.devices[] | select(.sources[0] == "jamf") | .practices.adbstatus.status')" = na ]
check "USB debugging on is warn on Android" \
    [ "$(q '.devices[] | select(.platform == "Android") | .practices.adbstatus.status')" = warn ]
check "the unencrypted laptop is in the red banner" \
    [ "$(q '[.critical[] | select(.practice == "encryption")] | length')" = 1 ]
check "the banner names the device" \
    [ "$(q '.critical[0].name')" = "BRUNO-T14" ]
check "a placeholder serial does not merge" \
    [ "$(q '[.devices[] | select(.name == "Spare laptop")] | length')" = 1 ]
check "devices are sorted worst first" \
    [ "$(q '.devices[-1].status')" != warn ]

# Bad input: position and exit 1, nothing on standard output.
printf '{"records": [{"source": "jamf",\n  "name": 12}]}\n' >"$work/bad.json"
"$STETHOSCOPE" evaluate -c "$work/config.yaml" "$work/bad.json" >"$work/out" 2>"$work/err"
check "wrong type: exit 1" [ $? = 1 ]
check "wrong type: names the path" grep -q 'records\[0\].name' "$work/err"
check "wrong type: no output" [ ! -s "$work/out" ]
printf '{"records": [\n  {"source": "jamf",}\n]}\n' >"$work/broken.json"
"$STETHOSCOPE" evaluate -c "$work/config.yaml" "$work/broken.json" >/dev/null 2>"$work/err"
check "malformed JSON: exit 1" [ $? = 1 ]
check "malformed JSON: line and column" grep -q 'broken.json:2:[0-9]*: invalid JSON' "$work/err"
"$STETHOSCOPE" evaluate -c "$work/config.yaml" 2>/dev/null
check "missing file argument: exit 2" [ $? = 2 ]
