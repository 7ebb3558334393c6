#!/usr/bin/env bash
# Packaging, end to end, as far as this machine allows: `cmake --install`
# into a staging folder, the installed program, man page and completions,
# the Debian package from CPack, the pre-commit hooks run as pre-commit runs
# them, and consistency checks of the Dockerfile and the GitHub action
# (no Docker engine runs here, so the image itself is not built).
# usage: packaging_test.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
src=$1
build=$2
tmp=$(mktemp -d /tmp/grantpath-packaging-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# 1. cmake --install
DESTDIR="$tmp/stage" cmake --install "$build" --prefix /usr/local > /dev/null
bin="$tmp/stage/usr/local/bin/grantpath"
[ -x "$bin" ] || fail "no installed binary"
"$bin" --version | grep -q '^grantpath [0-9]' || fail "installed binary does not run"
for f in share/man/man1/grantpath.1 share/bash-completion/completions/grantpath \
         share/zsh/vendor-completions/_grantpath share/doc/grantpath/README.md \
         share/doc/grantpath/docs/configuration.md share/doc/grantpath/docs/rules/rbac-secrets-read.md; do
  [ -s "$tmp/stage/usr/local/$f" ] || fail "not installed: $f"
done

# 2. The man page names every command and renders.
man="$tmp/stage/usr/local/share/man/man1/grantpath.1"
for c in scan diff "k8s can-i" "aws compare" "net reach" paths graph completion; do
  grep -qF ".SS grantpath ${c//-/\\-}" "$man" || fail "man page lacks 'grantpath $c'"
done
grep -q '\\-\\-fail\\-on' "$man" || fail "man page lacks --fail-on"
if command -v groff > /dev/null; then
  groff -man -Tutf8 -ww "$man" 2> "$tmp/groff.err" > /dev/null
  [ ! -s "$tmp/groff.err" ] || fail "groff warnings: $(cat "$tmp/groff.err")"
fi

# 3. bash completion completes commands, subcommands and options.
out=$(bash -c '
  source "$1"
  COMP_WORDS=(grantpath di); COMP_CWORD=1; _grantpath; echo "${COMPREPLY[*]}"
  COMP_WORDS=(grantpath k8s can); COMP_CWORD=2; _grantpath; echo "${COMPREPLY[*]}"
  COMP_WORDS=(grantpath scan --min); COMP_CWORD=2; _grantpath; echo "${COMPREPLY[*]}"
' _ "$tmp/stage/usr/local/share/bash-completion/completions/grantpath")
[ "$out" = $'diff\ncan-i can-bind\n--min-severity' ] || fail "bash completion gave: $out"
if command -v zsh > /dev/null; then
  zsh -n "$tmp/stage/usr/local/share/zsh/vendor-completions/_grantpath" || fail "zsh completion does not parse"
fi

# 4. The Debian package.
(cd "$build" && cpack -G DEB -B "$tmp/pkg" > /dev/null 2>&1)
deb=$(ls "$tmp"/pkg/grantpath_*.deb)
dpkg-deb -c "$deb" > "$tmp/contents"
grep -q '\./usr/bin/grantpath$' "$tmp/contents" || fail "package lacks /usr/bin/grantpath"
dpkg-deb -f "$deb" Depends | grep -q 'libz3-4' || fail "package does not depend on libz3-4"
dpkg-deb -f "$deb" Depends | grep -q 'libyaml-cpp0.7' || fail "package does not depend on libyaml-cpp0.7"
dpkg-deb -x "$deb" "$tmp/deb"
"$tmp/deb/usr/bin/grantpath" scan "$src/examples/demo-cluster" --fail-on none > /dev/null \
  || fail "the packaged binary does not scan"

# 5. The pre-commit hooks, run as pre-commit runs a 'system' hook: entry,
# then args, in the repository root, with the program on the PATH.
repo="$tmp/repo"
mkdir -p "$repo"
cp -r "$src/examples/demo-cluster" "$repo/deploy"
git -C "$repo" init -q
git -C "$repo" -c user.email=t@t -c user.name=t add -A
git -C "$repo" -c user.email=t@t -c user.name=t commit -qm init
python3 - "$src/.pre-commit-hooks.yaml" > "$tmp/hooks" <<'PY'
import sys, yaml
for h in yaml.safe_load(open(sys.argv[1])):
    assert h["language"] == "system" and h["pass_filenames"] is False, h
    print(h["id"] + "\t" + h["entry"] + " " + " ".join(h.get("args", [])))
PY
while IFS=$'\t' read -r id cmd; do
  set +e
  (cd "$repo" && PATH="$tmp/stage/usr/local/bin:$PATH" $cmd > "$tmp/$id.out" 2>&1)
  rc=$?
  set -e
  case "$id" in
    grantpath-scan) [ "$rc" -eq 1 ] || fail "$id: exit $rc, expected 1 (the demo has high findings)" ;;
    grantpath-diff) [ "$rc" -eq 0 ] || fail "$id: exit $rc on an unchanged tree: $(cat "$tmp/$id.out")" ;;
    *) fail "unknown hook $id" ;;
  esac
done < "$tmp/hooks"
[ -z "$(git -C "$repo" status --porcelain)" ] || fail "a hook wrote into the repository"

# 6. The Dockerfile copies what the build needs, and installs the same
# build packages as scripts/bootstrap.sh; the action runs only options
# that exist.
for d in $(sed -n 's/^COPY \([a-z]*\) .*/\1/p' "$src/Dockerfile"); do
  [ -e "$src/$d" ] || fail "Dockerfile copies missing '$d'"
done
for p in libyaml-cpp-dev libfyaml-dev nlohmann-json3-dev libz3-dev libboost-graph-dev libcli11-dev; do
  grep -q "$p" "$src/scripts/bootstrap.sh" || fail "bootstrap lacks $p"
  grep -q "$p" "$src/Dockerfile" || fail "Dockerfile lacks $p"
  grep -q "$p" "$src/action.yml" || fail "action.yml lacks $p"
done
python3 - "$src/action.yml" "$bin" <<'PY' || fail "action.yml uses an option grantpath lacks"
import re, subprocess, sys, yaml
action = yaml.safe_load(open(sys.argv[1]))
assert action["runs"]["using"] == "composite"
for step in action["runs"]["steps"]:
    for line in step.get("run", "").replace("\\\n", " ").splitlines():
        m = re.search(r"\bgrantpath (scan|diff)\b(.*)", line)
        if not m:
            continue
        helptext = subprocess.run([sys.argv[2], m.group(1), "--help"], capture_output=True, text=True).stdout
        for opt in re.findall(r"(--[a-z][a-z-]+)", m.group(2)):
            assert opt in helptext, (m.group(1), opt)
PY
echo "packaging: ok"
