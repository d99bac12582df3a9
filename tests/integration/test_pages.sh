#!/usr/bin/env bash
# The pages and the JSON API for the demo cast: content, authorization,
# escaping of hostile values, caching headers and a source that fails.
source "$(dirname "$0")/lib.sh"
start_stack

as() { local who=$1; shift; http -b "stethoscope_demo_user=$who@example.com" "$@"; }
fake_port() { sed -n 's/^port \([0-9]*\)$/\1/p' "$RUN_DIR/$1.log" | head -n 1; }
set_mode() { curl -fsS -o /dev/null "http://127.0.0.1:$(fake_port "$1")/_fake/mode?set=$2"; }
json_is() { [ "$(jq -r "$1" "$RUN_DIR/body")" = "$2" ]; }

# Every page returns 200 for several people and is not cached.
for who in ada.okafor bruno.lindqvist dev.raman emilie.fournier; do
	for page in / /devices /faq; do
		status=$(as "$who" "$BASE$page")
		check "$who $page: 200" [ "$status" = 200 ]
		check "$who $page: navigation" body_has '<nav class="site-nav"'
		check "$who $page: signed-in email" body_has "$who@example.com"
		check "$who $page: footer contact" body_has 'mailto:it-help@example.com'
	done
	as "$who" "$BASE/devices" >/dev/null
	check "$who /devices: no-store" header_has 'Cache-Control: no-store'
done
as bruno.lindqvist "$BASE/" >/dev/null
check "overview: title from site.title" body_has '<title>Your devices · Stethoscope</title>'
check "overview: links to a device page" body_has 'href="/devices/[0-9a-f]\{12\}"'
check "overview: no admin link for bruno" body_lacks 'href="/admin/lookup"'

# The device page and its stable id.
id=$(grep -o 'href="/devices/[0-9a-f]\{12\}"' "$RUN_DIR/body" | head -n 1 | sed 's/.*devices\/\([0-9a-f]*\)"/\1/')
status=$(as bruno.lindqvist "$BASE/devices/$id")
check "device page: 200" [ "$status" = 200 ]
check "device page: relative time in <time>" body_has '<time datetime="[0-9-]*T[0-9:]*Z" title="'
check "device page: status as icon and word" body_has 'class="status-word"'
as bruno.lindqvist "$BASE/" >/dev/null
check "device id is stable across requests" body_has "href=\"/devices/$id\""
check "another person's device id: 404" [ "$(as chiara.esposito "$BASE/devices/$id")" = 404 ]
check "malformed device id: 404" [ "$(as bruno.lindqvist "$BASE/devices/xyz")" = 404 ]

# The red banner for a critical practice in warn.
as dev.raman "$BASE/" >/dev/null
check "dev: critical banner" body_has 'Fix these first'
check "chiara: no banner" bash -c "[ \"\$(curl -s -b stethoscope_demo_user=chiara.esposito@example.com '$BASE/')\" ] && ! curl -s -b stethoscope_demo_user=chiara.esposito@example.com '$BASE/' | grep -q 'Fix these first'"

# The page for a person without devices explains what that means and whom to ask.
as emilie.fournier "$BASE/" >/dev/null
check "emilie: no devices explained" body_has 'No devices found'
check "emilie: contact named" body_has 'it-help@example.com'

# The hostile device name renders as text on every page.
for page in / /devices; do
	as farid.haddad "$BASE$page" >/dev/null
	check "farid $page: name escaped" body_has '&lt;script&gt;'
	check "farid $page: no raw script tag" body_lacks '<script'
done
as farid.haddad "$BASE/" >/dev/null
for fid in $(grep -o 'href="/devices/[0-9a-f]\{12\}"' "$RUN_DIR/body" | sed 's/.*devices\/\([0-9a-f]*\)"/\1/' | sort -u); do
	as farid.haddad "$BASE/devices/$fid" >/dev/null
	check "farid /devices/$fid: no raw script tag" body_lacks '<script'
done
as farid.haddad "$BASE/api/v1/devices/merged/farid.haddad@example.com" >/dev/null
check "farid API: JSON parses" jq -e . "$RUN_DIR/body"

# Admin pages: admins only, validated input, every lookup logged.
check "bruno /admin/lookup: 403" [ "$(as bruno.lindqvist "$BASE/admin/lookup")" = 403 ]
check "bruno /admin/practices: 403" [ "$(as bruno.lindqvist "$BASE/admin/practices")" = 403 ]
check "bruno /admin/lookup by email: 403" [ "$(as bruno.lindqvist "$BASE/admin/lookup?email=ada.okafor%40example.com")" = 403 ]
check "ada /admin/lookup: 200" [ "$(as ada.okafor "$BASE/admin/lookup")" = 200 ]
check "ada sees the admin link" body_has 'href="/admin/lookup"'
check "ada looks up bruno: 200" [ "$(as ada.okafor "$BASE/admin/lookup?email=bruno.lindqvist%40example.com")" = 200 ]
check "ada's lookup shows devices" body_has 'class="device"'
check "ada's lookup is logged" log_has 'admin.*ada.okafor@example.com looked up email bruno.lindqvist@example.com'
check "ada looks up dev: 200" [ "$(as ada.okafor "$BASE/admin/lookup?email=dev.raman%40example.com")" = 200 ]
check "admin results show the other person's device" body_has 'DEV-T14'
check "admin results link to no /devices page" body_lacks 'href="/devices/[0-9a-f]'
check "ada looks up a serial: 200" [ "$(as ada.okafor "$BASE/admin/lookup?serial=C02CHI0003CC")" = 200 ]
check "invalid email: 400" [ "$(as ada.okafor "$BASE/admin/lookup?email=not-an-email")" = 400 ]
check "invalid email: message on the form" body_has 'class="form-problem"'
check "invalid MAC: 400" [ "$(as ada.okafor "$BASE/admin/lookup?mac=zz")" = 400 ]
check "two fields: 400" [ "$(as ada.okafor "$BASE/admin/lookup?mac=00:1a:2b:3c:4d:5e&serial=A1")" = 400 ]
check "hostile value is escaped on the form" [ "$(as ada.okafor "$BASE/admin/lookup?serial=%22%3E%3Cb%3E")" = 400 ]
check "hostile value: no raw tag" body_lacks '"><b>'
check "ada /admin/practices: 200" [ "$(as ada.okafor "$BASE/admin/practices")" = 200 ]
check "practices page lists encryption" body_has '<code>encryption</code>'
check "practices page names the file" body_has 'practices.yaml'

# The JSON API.
status=$(as bruno.lindqvist "$BASE/api/v1/devices/merged/bruno.lindqvist@example.com")
check "API own email: 200" [ "$status" = 200 ]
check "API: JSON content type" header_has 'Content-Type: application/json'
check "API: no-store" header_has 'Cache-Control: no-store'
check "API: two devices" json_is '.devices | length' 2
check "API: errors listed" json_is '.errors | length' 0
check "API other email: 403" [ "$(as bruno.lindqvist "$BASE/api/v1/devices/merged/ada.okafor@example.com")" = 403 ]
check "API 403 is JSON" json_is '.error' 'you may only look up your own devices'
check "API serial as non-admin: 403" [ "$(as bruno.lindqvist "$BASE/api/v1/devices/serial/C02CHI0003CC")" = 403 ]
check "API MAC as non-admin: 403" [ "$(as bruno.lindqvist "$BASE/api/v1/devices/macaddr/00:1a:2b:3c:4d:5e")" = 403 ]
check "API admin other email: 200" [ "$(as ada.okafor "$BASE/api/v1/devices/merged/bruno.lindqvist@example.com")" = 200 ]
check "API admin serial: 200" [ "$(as ada.okafor "$BASE/api/v1/devices/serial/C02CHI0003CC")" = 200 ]
check "API admin serial: one device" json_is '.devices | length' 1
check "API admin invalid MAC: 400" [ "$(as ada.okafor "$BASE/api/v1/devices/macaddr/zz")" = 400 ]
check "API 400 is JSON" jq -e .error "$RUN_DIR/body"
check "API unknown route: 404" [ "$(as ada.okafor "$BASE/api/v1/nothing")" = 404 ]
check "API 404 is JSON" json_is '.error' 'not found'
# Without a session nginx returns a JSON 401 for the API, not the sign-in
# redirect that pages get. Forged identity headers change nothing.
check "API without sign-in: 401" [ "$(http -H "X-Auth-Request-Email: ada.okafor@example.com" "$BASE/api/v1/devices/merged/ada.okafor@example.com")" = 401 ]
check "API 401 is JSON" json_is '.error' 'sign-in required'
check "API 401 has the security headers" header_has '^x-content-type-options: nosniff'
check "API with sign-in still reaches the worker" [ "$(as bruno.lindqvist "$BASE/api/v1/devices/merged/bruno.lindqvist@example.com")" = 200 ]
check "API keeps the identity parameters" json_is '.devices | length' 2

# Every page is well-formed HTML: tidy finds no error and no misnested,
# unclosed or unknown markup. Its warnings about the ARIA and SVG
# attributes it does not know (aria-current, focusable) are expected.
device_path=$(curl -s -b stethoscope_demo_user=ada.okafor@example.com "$BASE/devices" | grep -o '/devices/[0-9a-f]*' | head -n 1)
for path in / /devices "$device_path" /faq /admin/lookup /admin/practices \
    "/admin/lookup?email=dev.raman%40example.com"; do
	curl -s -b stethoscope_demo_user=ada.okafor@example.com "$BASE$path" >"$RUN_DIR/page.html"
	tidy -e -q "$RUN_DIR/page.html" >"$RUN_DIR/tidy.out" 2>&1
	check "HTML of $path has no errors" [ $? -lt 2 ]
	check "HTML of $path is well nested" bash -c "! grep -E 'discarding|missing </|implicit|unexpected|not recognized|duplicate|unescaped|Error' '$RUN_DIR/tidy.out'"
done

# A failing source costs only its own devices and is named on every page.
set_mode google 500
for page in / /devices; do
	check "google 500 $page: 200" [ "$(as bruno.lindqvist "$BASE$page")" = 200 ]
	check "google 500 $page: notice" body_has 'Some information is missing'
done
as bruno.lindqvist "$BASE/api/v1/devices/merged/bruno.lindqvist@example.com" >/dev/null
check "google 500 API: error names google" json_is '.errors[0].source' google
set_mode google normal

finish
