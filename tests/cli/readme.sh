#!/bin/bash
# Every `cocob` command line README.md shows, run as written: a README form
# the command refuses fails this test. Taken from README.md as it is now:
#   - in code blocks (but C's), every line that runs cocob or build/cocob,
#     after a "$ " prompt or a "&&", up to any "# comment";
#   - inline code spans that start with "cocob ".
# Only the binary's path is replaced, by the one under test. A synopsis
# (with [optional] parts, a|b choices or placeholders such as N, D, DIR) is
# run with every optional part given, each choice's first, and each
# placeholder filled with a small value (see fill below), so that every
# flag it names is tried.
#
# Many forms train on the whole data set, or tune or benchmark for
# minutes. Each runs under `timeout` for a few seconds: the command reads
# every argument before it opens a device or the data, and a refusal exits
# at once with status 2 and a "usage:" or "unknown" message. So a form is
# accepted when it exits 0, or is still running when the time is up, or
# exits with another status (a device or file this machine lacks, such as
# --resume's checkpoint when the run before was stopped early) without
# such a message. Figures are not checked here.
. "$(dirname "$0")/lib.sh"
README="$(cd "$(dirname "$0")/../.." && pwd)/README.md"
SECONDS_EACH=${COCOB_README_SECONDS:-3}

# The forms, one a line, the binary as "cocob".
forms() {
  awk '
    /^```/ { if (inblock) inblock = 0; else { inblock = 1; lang = substr($0, 4) } next }
    inblock && lang != "c" {
      line = $0
      sub(/^\$ /, "", line)
      n = split(line, parts, /&& /)
      cmd = parts[n]
      sub(/^ +/, "", cmd)
      if (cmd ~ /^(build\/)?cocob( |$)/) {
        sub(/ +#.*$/, "", cmd); sub(/^build\//, "", cmd); sub(/ +$/, "", cmd)
        last = cmd; print cmd; next
      }
      # A synopsis continued on the next line: its bracketed flags.
      if (last ~ /\[/ && line ~ /^ +\[/) { sub(/^ +/, "", line); print "+ " line; next }
      last = ""
      next
    }
    !inblock {
      s = $0
      while (match(s, /`cocob [^`]*`/)) {
        print substr(s, RSTART + 1, RLENGTH - 2)
        s = substr(s, RSTART + RLENGTH)
      }
    }' "$README" | awk '
      /^\+ / { prev = prev " " substr($0, 3); next }
      { if (prev != "") print prev; prev = $0 }
      END { if (prev != "") print prev }' | awk '!seen[$0]++'
}

# A synopsis's words made runnable: [ and ] dropped, a|b|c the first, and
# the placeholders small values.
fill() {
  local w out=()
  for w in "$@"; do
    w=${w//[/}
    w=${w//]/}
    w=${w%%|*}
    case $w in
      N | K) w=1 ;;
      D) w=ref ;;
      X) w=0.1 ;;
      DIR) w=$DATA ;;
      FILE.csv) w=$WORK/synopsis.csv ;;
      FILE) w=$WORK/synopsis.file ;;
      SPEC) w=mlp ;;
      COMMAND) w=train ;;
      "") continue ;;
    esac
    out+=("$w")
  done
  printf '%s\n' "${out[@]}"
}

count=0
cd "$WORK" || exit 1
while IFS= read -r form; do
  read -r -a words <<<"$form"
  if [[ $form == *[\[\|]* ]] || printf '%s\n' "${words[@]}" | grep -Eqx 'N|K|D|X|DIR|FILE(\.csv)?|SPEC|COMMAND'; then
    mapfile -t words < <(fill "${words[@]}")
  fi
  args=("${words[@]:1}")
  count=$((count + 1))
  status=0
  OUT=$(timeout -k 2 "$SECONDS_EACH" "$COCOB" "${args[@]}" 2>&1) || status=$?
  what="README: $form  (ran: cocob ${args[*]}; status $status)"
  # Help prints a usage and succeeds; a refusal prints one and fails.
  if [ "$status" -eq 2 ] ||
    { [ "$status" -ne 0 ] && printf '%s\n' "$OUT" | grep -Eq 'usage:|unknown|goes before'; }; then
    failures=$((failures + 1))
    printf 'FAILED: %s\n%s\n' "$what" "$(printf '%s\n' "$OUT" | head -n 6 | sed 's/^/    /')"
  else
    printf 'ok: %s\n' "$what"
  fi
done < <(forms)

# An extractor that finds nothing would pass; README.md shows some thirty.
check "README.md's forms were found ($count)" test "$count" -ge 20
finish
