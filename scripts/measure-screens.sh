#!/usr/bin/env bash
# Measures what a screen that runs all day costs: the wall and the board,
# each in its own tmux window (160x48 by default), on a clinic with 30
# patients on live timers, for 120 s, beside `htop -d 10` on a screen of
# the same size in the same run (the yardstick: a monitor people leave
# running). Prints the CPU each process used (seconds and clock ticks),
# the bytes per second each wrote to its terminal (tmux pipe-pane counts
# every byte the program writes), and the idle server and the wall
# together as a share of htop's CPU (goal: at most 0.2).
#
#   scripts/measure-screens.sh            # 120 s at 160x48
#   SECONDS_TO_MEASURE=20 SIZE=80x24 scripts/measure-screens.sh
#
# Needs tmux and htop. Builds the release binary first. Leaves nothing
# running.
set -euo pipefail
cd "$(dirname "$0")/.."

duration=${SECONDS_TO_MEASURE:-120}
size=${SIZE:-160x48}
cols=${size%x*}
rows=${size#*x}

command -v htop >/dev/null || { echo "needs htop (apt-get install htop)" >&2; exit 1; }
cargo build --release --quiet
bin=$PWD/target/release/flowboard
work=$(mktemp -d /tmp/flowboard-measure.XXXXXX)
sock=fb-measure-$$
data=$work/data
cat >"$work/clinic.toml" <<'TOML'
clinic_name = "Measure Clinic"
beds = ["1", "2", "3", "4", "5", "6", "7", "8"]
TOML
fb() { "$bin" --data-dir "$data" --config "$work/clinic.toml" --no-autostart "$@"; }

cleanup() {
  tmux -L "$sock" kill-server 2>/dev/null || true
  if [ -n "${server:-}" ]; then kill "$server" 2>/dev/null; wait "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# The binary itself in the background (not the shell function), so that
# $! is the server and the clean-up stops it.
"$bin" --data-dir "$data" --config "$work/clinic.toml" serve 2>>"$work/serve.err" &
server=$!
for _ in $(seq 100); do [ -S "$data/flowboard.sock" ] && break; sleep 0.1; done

# 30 patients: 8 on drips in the beds, 4 injections, 4 in observation,
# the rest waiting, in counselling or ready: every one has a live timer.
for i in $(seq 1 30); do
  case $((i % 3)) in 0) t=face ;; 1) t=drip ;; 2) t=scalp ;; esac
  if [ "$i" -le 8 ]; then t=drip; elif [ "$i" -le 16 ]; then t=face; fi
  fb add --name "Patient$i Test$i" --treatment "$t" >/dev/null
done
advance() { fb send "{\"cmd\":\"advance\",\"visit\":$1,\"to\":\"$2\"${3:+,\"bed\":\"$3\"},\"lot\":{\"number\":\"EXO-1\"}}" >/dev/null; }
# A routine counselling (every default screening item "no", full consent,
# a plan, pre-treatment vitals): what administration needs first.
no=""
for q in cancer_treatment cancer_recent pregnant breastfeeding infection drug_allergy \
         allergic_disease other_treatment vasovagal_history vasovagal_risk blood_thinner \
         blood_donor first_session; do no="$no\"$q\":false,"; done
counsel() {
  fb send \
    "{\"cmd\":\"record\",\"visit\":$1,\"entry\":{\"kind\":\"screening\",\"answers\":{${no%,}}}}" \
    "{\"cmd\":\"record\",\"visit\":$1,\"entry\":{\"kind\":\"consent\",\"items\":[\"no_guarantee\",\"not_approved\",\"side_effects\",\"no_blood_donation\",\"price\"]}}" \
    "{\"cmd\":\"record\",\"visit\":$1,\"entry\":{\"kind\":\"plan\",\"plan\":{\"treatment\":\"$2\",\"dose_ml\":3.0,\"product\":\"Exosome\",\"nurse\":\"MS\"}}}" \
    "{\"cmd\":\"record\",\"visit\":$1,\"entry\":{\"kind\":\"vitals\",\"vitals\":{\"systolic\":118,\"diastolic\":74,\"pulse\":72,\"spo2\":98,\"temperature\":36.5,\"respiratory_rate\":14,\"consciousness\":\"alert\"}}}" \
    >/dev/null
}
for v in $(seq 1 16); do
  if [ "$v" -le 8 ]; then t=drip; else t=face; fi
  advance "$v" counselling; counsel "$v" "$t"; advance "$v" ready
done
for v in $(seq 1 8); do advance "$v" administration "$v"; done
for v in $(seq 9 16); do advance "$v" administration; done
for v in $(seq 13 16); do advance "$v" observation; done
for v in $(seq 17 22); do advance "$v" counselling; done

tmux -L "$sock" -f /dev/null new-session -d -s wall -x "$cols" -y "$rows" \
  "exec $bin --data-dir $data --config $work/clinic.toml --no-autostart wall"
tmux -L "$sock" new-session -d -s board -x "$cols" -y "$rows" \
  "exec $bin --data-dir $data --config $work/clinic.toml --no-autostart --as MS"
tmux -L "$sock" new-session -d -s htop -x "$cols" -y "$rows" "exec htop -d 10"
for s in wall board htop; do
  tmux -L "$sock" pipe-pane -o -t "$s" "cat >> $work/$s.bytes"
done
sleep 3 # first full draw, not counted

ticks=$(getconf CLK_TCK)
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
bytes() { stat -c %s "$work/$1.bytes" 2>/dev/null || echo 0; }
declare -A pid c0 b0 used
for s in wall board htop; do
  pid[$s]=$(tmux -L "$sock" display-message -p -t "$s" '#{pane_pid}')
  c0[$s]=$(cpu "${pid[$s]}"); b0[$s]=$(bytes "$s")
done
s0=$(cpu "$server")
sleep "$duration"

echo "flowboard screens, ${size}, 30 patients on live timers, ${duration} s"
printf '%-8s %8s %8s %12s %14s\n' screen ticks "CPU s" "% of a core" "bytes/s"
for s in wall board htop; do
  c=$(( $(cpu "${pid[$s]}") - c0[$s] ))
  used[$s]=$c
  b=$(( $(bytes "$s") - b0[$s] ))
  awk -v s="$s" -v c="$c" -v t="$ticks" -v d="$duration" -v b="$b" \
    'BEGIN { printf "%-8s %8d %8.2f %12.2f %14.0f\n", s, c, c / t, 100 * c / t / d, b / d }'
done
sc=$(( $(cpu "$server") - s0 ))
awk -v c="$sc" -v t="$ticks" -v d="$duration" \
  'BEGIN { printf "%-8s %8d %8.2f %12.2f %14s\n", "server", c, c / t, 100 * c / t / d, "-" }'
awk -v w="${used[wall]}" -v s="$sc" -v h="${used[htop]}" \
  'BEGIN { if (h > 0) printf "wall + idle server = %.2f x htop (goal: at most 0.2)\n", (w + s) / h }'
