#!/usr/bin/env bash
# side-by-side.sh - turnctl and coturn through the same loads in one run, on loopback, and the
# ratios. The loads are the yardstick's (yardstick/turn-relay-bench.sh: coturn's uclient,
# turnbench, server CPU from /proc); this script only starts fresh servers and interleaves them.
#
# Each rep starts a fresh coturn and runs the configs, then a fresh turnctl and runs the configs
# twice: 'turnctl-cold' (its first minute, as after a restart) and 'turnctl' (warm). Servers
# are started under `timeout` and ended by PID; every load is bounded by the yardstick's -T.
#
# Usage: benchmarks/side-by-side.sh [-n REPS] [-c CONFIGS] [-T SECS] [-o DIR] [-j 'JAVA OPTS'] [-p]
#   -n REPS     interleaved reps                                          [3]
#   -c CONFIGS  yardstick configs (see yardstick/turn-relay-bench.sh -h)   [hold,udp_small,tcp_small,flood,alloc,ping]
#   -T SECS     bound on each load run                                    [150]
#   -o DIR      raw logs, raw.tsv, summary.txt                            [mktemp]
#   -j OPTS     JVM options for turnctl                                   [the launcher's defaults]
#   -p          pion/turn as well (yardstick/start-pion.sh)
#
# Needs: Debian's coturn (turnserver, turnutils_uclient, turnutils_peer), golang-go and
# golang-github-pion-stun-dev (turnbench), gcc, ss, and turnctl's jar (built if missing).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
Y=$HERE/yardstick
# hold first: its KiB per allocation is only clean on a freshly started server.
REPS=3 CONFIGS=hold,udp_small,tcp_small,flood,alloc,ping RUN_T=150 OUT="" PION=0
# turnctl runs with the launcher's JVM options unless -j replaces them.
JOPTS=$(sed -n 's/^default_java_opts="\(.*\)"$/\1/p' "$ROOT/turnctl")
while getopts "n:c:T:o:j:ph" o; do
  case $o in
    n) REPS=$OPTARG ;; c) CONFIGS=$OPTARG ;; T) RUN_T=$OPTARG ;; o) OUT=$OPTARG ;; j) JOPTS=$OPTARG ;; p) PION=1 ;;
    *) sed -n '2,/^set -euo/p' "$0" | sed 's/^# \{0,1\}//; /^set -euo/d'; exit 2 ;;
  esac
done
OUT=${OUT:-$(mktemp -d /tmp/turnctl-side-by-side.XXXXXX)}
mkdir -p "$OUT"
rm -f "$OUT/raw.tsv"
JAR=$ROOT/cli/target/turnctl.jar
[[ -f $JAR ]] || (cd "$ROOT" && mvn -B -q -DskipTests -pl cli -am package)

bench() { # label port pid rep
  "$Y/turn-relay-bench.sh" -a -s "$4" -n 1 -o "$OUT" -L "$1" -p "$2" -P "$3" -c "$CONFIGS" -T "$RUN_T" \
    >"$OUT/$1-$4.txt" 2>&1 || echo "warning: $1 rep $4 exited $? (see $OUT/$1-$4.txt)" >&2
}

for r in $(seq 1 "$REPS"); do
  line=$(MAX_SECONDS=3600 LOGDIR=$OUT "$Y/start-coturn.sh" 3578 50000 54999)
  cpid=$(sed -n 's/.*coturn pid=\([0-9]*\).*/\1/p' <<<"$line")
  cwrap=$(sed -n 's/.*wrapper_pid=\([0-9]*\).*/\1/p' <<<"$line")
  sleep 2
  bench coturn 3578 "$cpid" "$r"
  kill "$cwrap" 2>/dev/null || true
  sleep 2
  if [[ $PION == 1 ]]; then
    line=$(MAX_SECONDS=3600 LOGDIR=$OUT "$Y/start-pion.sh" 3678)
    ppid=$(sed -n 's/.*pion pid=\([0-9]*\).*/\1/p' <<<"$line")
    pwrap=$(sed -n 's/.*wrapper_pid=\([0-9]*\).*/\1/p' <<<"$line")
    sleep 2
    bench pion 3678 "$ppid" "$r"
    kill "$pwrap" 2>/dev/null || true
    sleep 2
  fi
  # shellcheck disable=SC2086
  timeout 3600 java $JOPTS -jar "$JAR" serve --listen 127.0.0.1:3778 --user bench:bench --realm bench.local \
    --allow-loopback-peers --metrics-listen off --min-port 55000 --max-port 59999 >"$OUT/turnctl-$r.log" 2>&1 &
  twrap=$!
  tpid=""
  for _ in $(seq 1 100); do # until it answers on its port (the start line is logged once listening)
    tpid=$(pgrep -P "$twrap" java || true)
    [[ -n $tpid ]] && grep -q "listening" "$OUT/turnctl-$r.log" && break
    sleep 0.2
  done
  bench turnctl-cold 3778 "$tpid" "$r"
  bench turnctl 3778 "$tpid" "$r"
  kill "$tpid" 2>/dev/null || true
  wait "$twrap" 2>/dev/null || true
  sleep 2
done

"$Y/turn-relay-bench.sh" -R "$OUT/raw.tsv" | tee "$OUT/summary.txt"

# Ratios to coturn, medians over reps: CPU per round trip (lower is better) and rates (higher is better).
awk -F'\t' '
  NR > 1 && $4 ~ /ok=1/ {
    n = split($4, f, " ")
    for (i = 1; i <= n; i++) { split(f[i], kv, "="); v[$1 SUBSEP $2 SUBSEP kv[1], ++c[$1 SUBSEP $2 SUBSEP kv[1]]] = kv[2] }
    labels[$1] = 1; configs[$2] = 1
  }
  function med(key,   k, m, i, j, t, a) {
    m = c[key]; if (m == 0) return ""
    for (i = 1; i <= m; i++) a[i] = v[key, i]
    for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
    return (m % 2) ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2
  }
  END {
    print ""
    print "# ratios to coturn (medians over reps): us/rt and us/cycle lower is better; rt/s and setups/s higher is better"
    split("us_per_rt us_per_cycle rtps setups_per_s kib_per_alloc_vs_start added_p99_us rtt_ms", keys, " ")
    for (cfg in configs) for (l in labels) if (l != "coturn") for (k = 1; k <= 7; k++) {
      a = med(l SUBSEP cfg SUBSEP keys[k]); b = med("coturn" SUBSEP cfg SUBSEP keys[k])
      if (a != "" && b != "" && b + 0 != 0) printf "%-11s %-13s %-14s %10s vs coturn %10s  = %.2fx\n", cfg, l, keys[k], a, b, a / b
    }
  }' "$OUT/raw.tsv" | sort | tee -a "$OUT/summary.txt"
echo "raw: $OUT/raw.tsv"
