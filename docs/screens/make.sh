#!/usr/bin/env bash
# Capture Scoutly's screens in tmux at 80x24 and 150x45 into docs/screens/*.txt (plain text, as a user sees them).
#   docs/screens/make.sh [try|status|seed]   # all captures, or one kind (the trial takes about a minute per size)
#   docs/screens/make.sh --help
set -euo pipefail
if [[ "${1:-}" == "-h" || "${1:-}" == "--help" ]]; then
  sed -n '2,4p' "$0" | sed 's/^# \{0,1\}//'
  exit 0
fi
only=${1:-all}
want() { [[ $only == all || $only == "$1" ]]; }
cd "$(dirname "$0")/../.."
root=$(pwd)
py="$root/.venv/bin/python"
scoutly="$root/.venv/bin/scoutly"
out="$root/docs/screens"
socket="scoutly-screens-$$"
tmux() { command tmux -L "$socket" "$@"; } # a private tmux server: other tmux sessions are never touched
trap 'tmux kill-server 2>/dev/null || true' EXIT
tmux -f /dev/null new-session -d -s keep # keeps the server up between captures
tmux set-option -g history-limit 5000

# capture NAME WIDTH HEIGHT WAIT_FOR SCROLLBACK COMMAND...: run COMMAND in a fresh WIDTHxHEIGHT tmux window,
# wait until WAIT_FOR appears on screen (or 240 s), save the screen (with SCROLLBACK=yes: the whole history).
capture() {
  local name=$1 width=$2 height=$3 wait_for=$4 scrollback=$5
  shift 5
  session=$name
  tmux new-session -d -s "$session" -x "$width" -y "$height" -c "$root"
  # (the marker is typed split, "[ex""it", so the typed command line itself never matches "[exit ")
  tmux send-keys -t "$session" "clear; $(printf '%q ' "$@"); echo \"[ex\"\"it \$?]\"" Enter
  for _ in $(seq 1 240); do
    sleep 1
    if tmux capture-pane -p -t "$session" -S - | grep -qF -- "$wait_for"; then break; fi
  done
  sleep 1
  if [[ $scrollback == yes ]]; then
    tmux capture-pane -p -t "$session" -S - >"$out/$name.txt"
  else
    tmux capture-pane -p -t "$session" >"$out/$name.txt"
  fi
  # trailing blank lines of the pane are noise
  sed -i -e :a -e '/^\n*$/{$d;N;ba' -e '}' "$out/$name.txt"
  echo "docs/screens/$name.txt (${width}x${height})"
}

for size in 80x24 150x45; do
  w=${size%x*} h=${size#*x}
  if want try; then
    capture "try-$size" "$w" "$h" "[exit " yes env -u GEMINI_API_KEY "$scoutly" try
  fi
  want status || continue
  capture "status-watch-$size" "$w" "$h" "Ctrl-C to stop" no "$py" docs/screens/status_demo.py status --watch
  tmux send-keys -t "$session" C-c
  sleep 2
  tmux capture-pane -p -t "$session" -S - >"$out/status-watch-after-ctrl-c-$size.txt"
  sed -i -e :a -e '/^\n*$/{$d;N;ba' -e '}' "$out/status-watch-after-ctrl-c-$size.txt"
done
want seed || exit 0
bad=$(mktemp -d)
printf 'Slug;Name;Careers URL\nacme;Acme;https://acme.example/jobs\n' >"$bad/semicolons.csv"
printf 'slug,name,careers_url\nAcme Corp,Acme,https://acme.example/jobs\nok,,https://ok.example\n' >"$bad/rows.csv"
printf 'slug,name,careers_url\na,A,https://a.example\nq,"Q Ltd,https://q.example\nz,Z,https://z.example\n' >"$bad/quote.csv"
# Through `| cat`: stderr is then no terminal, so the in-memory database's warning (a real setup has MongoDB)
# stays out of the capture; the messages are the same.
seed="MONGODB_URI=mongomock://s/s $scoutly seed companies"
capture "seed-errors-80x24" 80 24 "[exit " yes bash -o pipefail -c \
  "cd $bad && for f in semicolons.csv rows.csv quote.csv $root/examples/users.csv; do $seed \$f 2>&1 | cat; done"
# A large file: the progress bar (checking, then writing), captured while it runs.
"$py" -c "import sys; sys.path.append('$root'); from bench.seed import write_csv; from pathlib import Path; \
write_csv(Path('$bad/big.csv'), 10)"
capture "seed-progress-80x24" 80 24 "writing companies" no bash -c "cd $bad && $seed big.csv"
tmux send-keys -t "$session" C-c
sleep 2
rm -rf "$bad"
