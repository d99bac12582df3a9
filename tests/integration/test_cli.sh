#!/usr/bin/env bash
# The command line: check, render, version, help and usage errors.
source "$(dirname "$0")/lib.sh"
work=$(mktemp -d "${TMPDIR:-/tmp}/stethoscope-cli.XXXXXX")
trap 'rm -rf "$work"; summary' EXIT

cat >"$work/good.yaml" <<YAML
listen: unix:$work/s.sock
practices: $top/etc/practices.yaml
templates: $top/templates
static: $top/static
YAML
out=$("$STETHOSCOPE" check -c "$work/good.yaml" 2>&1)
check "check: ok for the shipped files" [ "$out" = ok ]

# Every problem, each with its position, and a non-zero exit.
mkdir "$work/templates"
cp "$top"/templates/*.mustache "$work/templates/"
printf '<p>{{#a}}x{{/b}}</p>\n{{#c}}\n' >"$work/templates/index.mustache"
cat >"$work/bad-templates.yaml" <<YAML
listen: unix:$work/s.sock
practices: $top/etc/practices.yaml
templates: $work/templates
YAML
out=$("$STETHOSCOPE" check -c "$work/bad-templates.yaml" 2>&1)
rc=$?
check "check: exit 1 on template errors" [ "$rc" = 1 ]
check "check: first template error with position" grep -q "index.mustache:1:11: closing tag" <<<"$out"
check "check: second template error with position" grep -q "index.mustache:2:1: " <<<"$out"
check "check: partial missing from the copy" \
    grep -q 'layout.mustache:12:1: unknown partial "header"' <<<"$out"
check "check: no claim that a broken template is missing" \
    bash -c "! grep -q 'missing template' <<<'$out'"
check "check: no ok on errors" bash -c "! grep -qx ok <<<'$out'"

cat >"$work/bad.yaml" <<YAML
listen: unix:$work/s.sock
practices: $top/etc/practices.yaml
templates: $top/templates
workers: many
log_level: loud
YAML
out=$("$STETHOSCOPE" check -c "$work/bad.yaml" 2>&1)
rc=$?
check "check: exit 1 on config errors" [ "$rc" = 1 ]
check "check: config error with position" grep -q "bad.yaml:4:10: " <<<"$out"
check "check: every config error" grep -q "bad.yaml:5:12: " <<<"$out"

out=$("$STETHOSCOPE" check -c "$work/missing.yaml" 2>&1)
rc=$?
check "check: missing config is an error" [ "$rc" = 1 ]
check "check: missing config named" grep -q "missing.yaml" <<<"$out"

# render: one template, partials from a directory, data from JSON.
mkdir "$work/partials"
printf 'Hello {{name}}!\n' >"$work/partials/greet.mustache"
printf '{{> greet}}{{#items}}- {{.}}\n{{/items}}' >"$work/page.mustache"
printf '{"name": "<Ada>", "items": ["one", "two"]}' >"$work/data.json"
out=$("$STETHOSCOPE" render --partials "$work/partials" "$work/page.mustache" "$work/data.json")
check "render: output" [ "$out" = "$(printf 'Hello &lt;Ada&gt;!\n- one\n- two')" ]

printf '{"name": }' >"$work/bad.json"
out=$("$STETHOSCOPE" render --partials "$work/partials" "$work/page.mustache" "$work/bad.json" 2>&1)
rc=$?
check "render: bad JSON exit 1" [ "$rc" = 1 ]
check "render: bad JSON position" grep -q "bad.json:1:[0-9]*: invalid JSON" <<<"$out"

out=$("$STETHOSCOPE" render "$work/page.mustache" "$work/data.json" 2>&1)
check "render: unknown partial reported" grep -q 'page.mustache:1:1: unknown partial "greet"' <<<"$out"

# version, help, usage errors.
check "version" bash -c "'$STETHOSCOPE' version | grep -q '^stethoscope [0-9]'"
check "help" bash -c "'$STETHOSCOPE' help | grep -q 'serve'"
"$STETHOSCOPE" frobnicate 2>"$work/err"
check "unknown command: exit 2" [ $? = 2 ]
check "unknown command: usage on stderr" grep -q '^usage: ' "$work/err"
"$STETHOSCOPE" check -x 2>"$work/err"
check "unknown option: exit 2" [ $? = 2 ]
"$STETHOSCOPE" 2>"$work/err"
check "no command: exit 2" [ $? = 2 ]
