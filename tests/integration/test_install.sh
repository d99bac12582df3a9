#!/usr/bin/env bash
# make install into a staging directory lays out a working installation.
source "$(dirname "$0")/lib.sh"
stage=$(mktemp -d "${TMPDIR:-/tmp}/stethoscope-install.XXXXXX")
trap 'rm -rf "$stage"; summary' EXIT

build_dir=$(basename "$BUILD")
check "make install succeeds" \
    make -C "$top" --no-print-directory -s install BUILD="$build_dir" \
    DESTDIR="$stage" PREFIX=/usr SYSCONFDIR=/etc >/dev/null

for f in usr/bin/stethoscope usr/share/stethoscope/templates/layout.mustache \
    usr/share/stethoscope/templates/partials/header.mustache \
    usr/share/stethoscope/static/style.css etc/stethoscope/stethoscope.yaml \
    etc/stethoscope/practices.yaml usr/share/man/man8/stethoscope.8 \
    usr/share/man/man5/stethoscope.yaml.5 \
    usr/lib/systemd/system/stethoscope.service \
    usr/lib/systemd/system/stethoscope.socket \
    etc/nginx/snippets/stethoscope-app.conf \
    etc/nginx/snippets/stethoscope-headers.conf; do
	check "installed $f" test -s "$stage/$f"
done
check "service runs the installed binary" \
    grep -q '^ExecStart=/usr/bin/stethoscope serve -f -c /etc/stethoscope/stethoscope.yaml' \
    "$stage/usr/lib/systemd/system/stethoscope.service"

# The installed example config validates once its paths point into the stage.
sed -e "s|/etc/stethoscope/|$stage/etc/stethoscope/|" \
    -e "s|/usr/share/stethoscope/|$stage/usr/share/stethoscope/|" \
    "$stage/etc/stethoscope/stethoscope.yaml" >"$stage/staged.yaml"
out=$("$stage/usr/bin/stethoscope" check -c "$stage/staged.yaml" 2>&1)
check "installed files pass check" [ "$out" = ok ]

# A second install keeps the admin's edited config.
echo "# edited" >>"$stage/etc/stethoscope/stethoscope.yaml"
make -C "$top" --no-print-directory -s install BUILD="$build_dir" \
    DESTDIR="$stage" PREFIX=/usr SYSCONFDIR=/etc >/dev/null
check "reinstall keeps the edited config" \
    grep -q '^# edited' "$stage/etc/stethoscope/stethoscope.yaml"
