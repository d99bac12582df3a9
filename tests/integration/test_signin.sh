#!/usr/bin/env bash
# Browser -> nginx -> sign-on -> worker -> template, end to end.
source "$(dirname "$0")/lib.sh"
start_stack

admin=$(grep -o '"email": *"[^"]*"' "$top/tests/demo/people.json" | head -1 | sed 's/.*"\([^"]*\)"$/\1/')
person=$(grep -o '"email": *"[^"]*"' "$top/tests/demo/people.json" | sed -n 2p | sed 's/.*"\([^"]*\)"$/\1/')
cookie_admin="stethoscope_demo_user=$admin"
cookie_person="stethoscope_demo_user=$person"

# Without a cookie, the page sends the browser to sign in.
status=$(http "$BASE/")
check "no cookie: redirect" [ "$status" = 302 ]
check "no cookie: to /oauth2/start" header_has '^location: .*/oauth2/start?rd='

status=$(http -L "$BASE/")
check "sign-in page answers" [ "$status" = 200 ]
check "sign-in page lists the demo people" body_has "$person"

# With the cookie, the worker renders the person's page through the layout.
status=$(http -b "$cookie_person" "$BASE/")
check "signed in: 200" [ "$status" = 200 ]
check "signed in: the person's email" body_has "$person"
check "signed in: header partial" body_has 'class="site-header"'
check "signed in: footer partial" body_has 'class="site-footer"'
check "signed in: no admin badge" body_lacks 'badge-admin'
check "signed in: not cached" header_has '^cache-control: no-store'
check "security header: CSP" header_has "^content-security-policy: .*script-src\|^content-security-policy: default-src 'none'"
check "security header: frame options" header_has '^x-frame-options: DENY'
check "security header: nosniff" header_has '^x-content-type-options: nosniff'
check "security header: referrer policy" header_has '^referrer-policy:'

status=$(http -b "$cookie_admin" "$BASE/")
check "admin: badge shown" body_has 'badge-admin'

# Identity headers sent by the client never become the identity.
status=$(http -H "X-Auth-Request-Email: $admin" -H "X-Auth-Request-Groups: security-admins" "$BASE/")
check "forged header without sign-in: redirect" [ "$status" = 302 ]
status=$(http -b "$cookie_person" -H "X-Auth-Request-Email: $admin" \
    -H "Stethoscope-User: $admin" -H "X-Auth-Request-Groups: security-admins" "$BASE/")
check "forged header with sign-in: still 200" [ "$status" = 200 ]
check "forged header with sign-in: own identity" body_has "$person"
check "forged header with sign-in: not admin" body_lacks 'badge-admin'

# Health check needs no sign-in.
status=$(http "$BASE/healthz")
check "healthz: 200" [ "$status" = 200 ]
check "healthz: ok" body_has '^ok$'

# Static files: the tagged path from the page is cached for good.
http -b "$cookie_person" "$BASE/" >/dev/null
css=$(grep -o '/static/[0-9a-f]*/style.css' "$RUN_DIR/body" | head -1)
check "page links a tagged stylesheet" [ -n "$css" ]
status=$(http "$BASE$css")
check "tagged static file: 200" [ "$status" = 200 ]
check "tagged static file: immutable" header_has '^cache-control: .*immutable'
check "tagged static file: content" body_has 'site-header'
status=$(http "$BASE/static/style.css")
check "plain static file: 200" [ "$status" = 200 ]
check "plain static file: short cache" header_has '^cache-control: .*max-age=300'

# Error pages.
status=$(http -b "$cookie_person" "$BASE/no-such-page")
check "unknown path: 404" [ "$status" = 404 ]
check "unknown path: error page" body_has 'Page not found'
status=$(http -b "$cookie_person" -X POST -d 'a=b' "$BASE/")
check "POST to /: 405" [ "$status" = 405 ]
check "405 names the allowed methods" header_has '^allow: GET, HEAD'
status=$(http -b "$cookie_person" "$BASE/?q=%zz")
check "malformed query encoding: 400" [ "$status" = 400 ]
long=$(head -c 5000 /dev/zero | tr '\0' 'a')
status=$(http -b "$cookie_person" "$BASE/?q=$long")
check "oversized query: 414" [ "$status" = 414 ]
check "error page does not echo the request" body_lacks 'aaaaaaaaaa'

# One access log line per request, without query values.
http -b "$cookie_person" "$BASE/?secret=hunter2" >/dev/null
check "access log names path, status and user" \
    log_has "access: GET /?secret 200 .* user=$person"
check "access log drops query values" bash -c "! grep -q hunter2 '$RUN_DIR/stethoscope.log'"

finish
