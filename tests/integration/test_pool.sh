#!/usr/bin/env bash
# The worker pool: respawn after a crash, reloads good and bad, drain on stop.
source "$(dirname "$0")/lib.sh"
start_stack

person=$(grep -o '"email": *"[^"]*"' "$top/tests/demo/people.json" | sed -n 2p | sed 's/.*"\([^"]*\)"$/\1/')
cookie="stethoscope_demo_user=$person"

# Serve from a copy of the templates that this test may change.
cp -R "$top/templates" "$RUN_DIR/templates"
sed -i "s|^templates:.*|templates: $RUN_DIR/templates|" "$CONFIG"
kill -HUP "$MASTER_PID"
wait_for "reload with the copied templates" 10 log_has "reloaded: generation 1"
wait_for "the previous workers to exit" 10 two_workers

# A worker killed with SIGKILL is replaced and the next request succeeds.
before=$(worker_pids)
victim=$(echo "$before" | head -1)
kill -KILL "$victim"
wait_for "a replacement worker" 10 bash -c "pgrep -P $MASTER_PID | grep -qv '^$victim\$' && [ \$(pgrep -P $MASTER_PID | wc -l) -eq 2 ] && ! pgrep -P $MASTER_PID | grep -q '^$victim\$'"
check "killed worker is logged with its signal" log_has "worker $victim was killed by signal 9"
status=$(http -b "$cookie" "$BASE/")
check "request after the crash: 200" [ "$status" = 200 ]

# A good reload: changed template, new workers, no failed request meanwhile.
sed -i 's|<h1>Your devices</h1>|<h1>Your devices, reloaded</h1>|' "$RUN_DIR/templates/index.mustache"
before=$(worker_pids)
( for i in $(seq 1 60); do
	curl -s -o /dev/null -w '%{http_code}\n' -b "$cookie" "$BASE/"
  done >"$RUN_DIR/during-reload" ) &
loader=$!
sleep 0.2
kill -HUP "$MASTER_PID"
wait "$loader"
check "no request failed during the reload" bash -c "! grep -v '^200\$' '$RUN_DIR/during-reload'"
wait_for "the new template" 10 bash -c "curl -s -b '$cookie' '$BASE/' | grep -q 'Your devices, reloaded'"
check "reload serves the new template" true
wait_for "the previous workers to exit" 10 two_workers
after=$(worker_pids)
check "reload replaced the workers" [ "$before" != "$after" ]

# A broken template: the reload is rejected, the old one keeps serving.
before=$(worker_pids)
printf '<p>{{#open}} never closed</p>\n' >"$RUN_DIR/templates/index.mustache"
kill -HUP "$MASTER_PID"
wait_for "the rejected reload" 10 log_has "reload failed"
check "broken template error has a position" log_has "index.mustache:1:[0-9]*: unclosed section"
status=$(http -b "$cookie" "$BASE/")
check "broken template: still 200" [ "$status" = 200 ]
check "broken template: old page served" body_has 'Your devices, reloaded'
check "broken template: workers kept" [ "$before" = "$(worker_pids)" ]
git -C "$top" show HEAD:templates/index.mustache >"$RUN_DIR/templates/index.mustache" 2>/dev/null ||
	cp "$top/templates/index.mustache" "$RUN_DIR/templates/index.mustache"

# A broken config: the same.
cp "$CONFIG" "$RUN_DIR/good.yaml"
printf 'no_such_key: 1\n' >>"$CONFIG"
lines=$(grep -c "reload failed" "$RUN_DIR/stethoscope.log")
kill -HUP "$MASTER_PID"
wait_for "the second rejected reload" 10 bash -c "[ \$(grep -c 'reload failed' '$RUN_DIR/stethoscope.log') -gt $lines ]"
check "broken config error names the key" log_has "stethoscope.yaml:[0-9]*:[0-9]*: unknown key \"no_such_key\""
status=$(http -b "$cookie" "$BASE/")
check "broken config: still 200" [ "$status" = 200 ]
cp "$RUN_DIR/good.yaml" "$CONFIG"

# A broken practices file: the same, with the practice key and position.
cp "$top/etc/practices.yaml" "$RUN_DIR/practices.yaml"
sed -i "s|^practices:.*|practices: $RUN_DIR/practices.yaml|" "$CONFIG"
printf '  - key: encryption\n    kind: observed\n    rating: urgent\n' >>"$RUN_DIR/practices.yaml"
lines=$(grep -c "reload failed" "$RUN_DIR/stethoscope.log")
kill -HUP "$MASTER_PID"
wait_for "the third rejected reload" 10 bash -c "[ \$(grep -c 'reload failed' '$RUN_DIR/stethoscope.log') -gt $lines ]"
check "broken practices: duplicate key reported" log_has "practices.yaml:[0-9]*:[0-9]*: .*duplicate practice key \"encryption\""
check "broken practices: bad rating reported" log_has "practices.yaml:[0-9]*:[0-9]*: .*urgent"
status=$(http -b "$cookie" "$BASE/")
check "broken practices: still 200" [ "$status" = 200 ]
cp "$RUN_DIR/good.yaml" "$CONFIG"

# SIGTERM lets a request in flight finish: the request is half sent when
# the master is told to stop, and its answer still arrives.
"$BUILD/tools/fcgi-request" -p 1500 -m "$RUN_DIR/paused" "$SOCKET" \
    REQUEST_METHOD=GET REQUEST_URI=/healthz SCRIPT_NAME=/healthz \
    >"$RUN_DIR/inflight.out" 2>&1 &
client=$!
wait_for "the half-sent request" 10 test -e "$RUN_DIR/paused"
kill -TERM "$MASTER_PID"
wait "$client"
check "in-flight request finished: status" grep -q '^Status: 200' "$RUN_DIR/inflight.out"
check "in-flight request finished: body" grep -q '^ok' "$RUN_DIR/inflight.out"
wait_for "the master to exit" 10 bash -c "! kill -0 $MASTER_PID"
check "master exited" bash -c "! kill -0 $MASTER_PID 2>/dev/null"
check "pid file removed" test ! -e "$RUN_DIR/stethoscope.pid"
check "stop is logged" log_has "master: stopped"

finish
