#!/usr/bin/env bash
# compare.sh: simnet's whole-process wall time per workload, next to a
# reference harness's, as a markdown table.
#
# Usage:
#   benches/compare.sh [-n RUNS] [--reference | --reference-bin PATH]
#                      [--ref NAME=SECONDS]... [--ref-file FILE]
#                      [--bin PATH] [--no-build]
#
# Each workload of `cargo bench --bench workloads` below runs RUNS times
# (default 5) as a separate process (`WORKLOADS_BIN WORKLOAD PARAMS 1`),
# round-robin across the workloads so that a burst of load on the machine
# spreads over all of them. The table gives, per workload, the median
# whole-process wall time in seconds, the reference's seconds, simnet over
# reference (below 1 means simnet is faster) and the largest peak RSS of
# its runs (from /usr/bin/time -f %M when that exists, else from the
# VmHWM line of /proc/PID/status read as the process ends).
#
# Workloads and their names for --ref:
#   bulk-1g      bulk 1073741824 0
#   bulk-16m     bulk 16777216 0.01
#   rr           rr 1000
#   udp          udp 100000
#   hosts-1k     hosts 1000
#   hosts-10k    hosts 10000
#
# --reference measures the reference in the same run: it builds the
# smoltcp harness in benches/reference (its own crate, fetched from
# crates.io on the first build, into target/reference) and runs each of
# its workloads RUNS times, each right after simnet's run of the same
# workload and timed the same way, so that both see the same machine.
# --reference-bin PATH runs a harness already built. Then the reference
# columns are this run's medians and peak RSS.
#
# Without them, the references are figures: by default those the issue
# quoted for the smoltcp/ns-3 harness on the project's 2-core machine on
# an earlier day (bulk-1g=0.50 bulk-16m=0.011 rr=0.006 udp=0.036
# hosts-1k=0.034 hosts-10k=7.4). --ref NAME=SECONDS overrides one;
# --ref-file FILE reads NAME=SECONDS lines (blank lines and # comments
# allowed). A later option wins over an earlier one.
#
# --bin PATH runs that workloads binary instead of building one with
# `cargo bench --bench workloads --no-run` (--no-build: use the newest
# target/release/deps/workloads-* without building).
#
# Exit status: 0 when every run succeeded, 1 when a run failed (its row
# says FAILED), 2 for a bad argument or a binary that cannot be found.

set -u
set -o pipefail

NAMES=(bulk-1g bulk-16m rr udp hosts-1k hosts-10k)
declare -A ARGS=(
    [bulk-1g]="bulk 1073741824 0"
    [bulk-16m]="bulk 16777216 0.01"
    [rr]="rr 1000"
    [udp]="udp 100000"
    [hosts-1k]="hosts 1000"
    [hosts-10k]="hosts 10000"
)
declare -A REF=(
    [bulk-1g]=0.50
    [bulk-16m]=0.011
    [rr]=0.006
    [udp]=0.036
    [hosts-1k]=0.034
    [hosts-10k]=7.4
)

usage() {
    sed -n '2,/^$/{s/^# \{0,1\}//;p}' "$0" >&2
}

die() {
    echo "compare.sh: $*" >&2
    echo "run with --help for usage" >&2
    exit 2
}

is_number() {
    [[ $1 =~ ^[0-9]+([.][0-9]+)?$|^[.][0-9]+$ ]]
}

set_ref() {
    local pair=$1 where=$2 name value
    [[ $pair == *=* ]] || die "$where: expected NAME=SECONDS, got '$pair'"
    name=${pair%%=*}
    value=${pair#*=}
    [[ -v ARGS[$name] ]] || die "$where: unknown workload '$name' (known: ${NAMES[*]})"
    is_number "$value" || die "$where: '$value' for $name is not a number of seconds"
    REF[$name]=$value
}

RUNS=5
BIN=""
BUILD=1
REF_BIN=""
MEASURE_REF=0
while (($#)); do
    case $1 in
    -h | --help)
        usage
        exit 0
        ;;
    -n | --runs)
        (($# >= 2)) || die "$1 needs a number of runs"
        [[ $2 =~ ^[1-9][0-9]*$ ]] || die "$1: '$2' is not a whole number from 1"
        RUNS=$2
        shift 2
        ;;
    --ref)
        (($# >= 2)) || die "--ref needs NAME=SECONDS"
        set_ref "$2" "--ref"
        shift 2
        ;;
    --ref=*)
        set_ref "${1#--ref=}" "--ref"
        shift
        ;;
    --ref-file)
        (($# >= 2)) || die "--ref-file needs a file"
        [[ -r $2 ]] || die "--ref-file: cannot read '$2'"
        lineno=0
        while IFS= read -r line || [[ -n $line ]]; do
            lineno=$((lineno + 1))
            line=${line%%#*}
            line=${line//[[:space:]]/}
            [[ -z $line ]] && continue
            set_ref "$line" "$2:$lineno"
        done <"$2"
        shift 2
        ;;
    --bin)
        (($# >= 2)) || die "--bin needs a path"
        [[ -x $2 ]] || die "--bin: '$2' is not an executable file"
        BIN=$2
        shift 2
        ;;
    --no-build)
        BUILD=0
        shift
        ;;
    --reference)
        MEASURE_REF=1
        shift
        ;;
    --reference-bin)
        (($# >= 2)) || die "--reference-bin needs a path"
        [[ -x $2 ]] || die "--reference-bin: '$2' is not an executable file"
        REF_BIN=$2
        MEASURE_REF=1
        shift 2
        ;;
    *)
        die "unknown argument '$1'"
        ;;
    esac
done

cd "$(dirname "$0")/.." || die "cannot enter the project directory"

if [[ -z $BIN ]]; then
    if ((BUILD)); then
        # cargo prints the binary's path on stderr: "Executable ... (PATH)".
        built=$(cargo bench --bench workloads --no-run 2>&1) || {
            echo "$built" >&2
            die "cargo bench --bench workloads --no-run failed"
        }
        BIN=$(sed -n 's/.*Executable.*(\(.*workloads-[^)]*\)).*/\1/p' <<<"$built" | tail -1)
    fi
    if [[ -z $BIN ]]; then
        BIN=$(ls -t target/release/deps/workloads-* 2>/dev/null | grep -v '\.d$' | head -1)
    fi
    [[ -n $BIN && -x $BIN ]] || die "no workloads binary found (build with cargo bench --bench workloads --no-run)"
fi

if ((MEASURE_REF)) && [[ -z $REF_BIN ]]; then
    echo "building the reference harness (benches/reference)" >&2
    CARGO_TARGET_DIR=target/reference cargo build --release --quiet \
        --manifest-path benches/reference/Cargo.toml ||
        die "cargo build of benches/reference failed"
    REF_BIN=target/reference/release/reference
fi

TIME=""
if [[ -x /usr/bin/time ]] && /usr/bin/time -f %M true 2>/dev/null; then
    TIME=/usr/bin/time
fi

# One run of workload $1 by binary $2: prints "MICROSECONDS RSS_KIB",
# returns the run's status.
run_once() {
    local name=$1 BIN=$2 start end status rss out
    out=$(mktemp)
    start=$(date +%s%N)
    if [[ -n $TIME ]]; then
        # shellcheck disable=SC2086
        $TIME -f %M -o "$out.rss" "$BIN" ${ARGS[$name]} 1 >"$out" 2>&1
        status=$?
        end=$(date +%s%N)
        rss=$(tail -1 "$out.rss" 2>/dev/null)
    else
        # shellcheck disable=SC2086
        "$BIN" ${ARGS[$name]} 1 >"$out" 2>&1 &
        local pid=$! hwm=0 now
        while kill -0 "$pid" 2>/dev/null; do
            now=$(awk '/^VmHWM:/ {print $2}' "/proc/$pid/status" 2>/dev/null)
            [[ -n $now ]] && ((now > hwm)) && hwm=$now
            sleep 0.01
        done
        wait "$pid"
        status=$?
        end=$(date +%s%N)
        rss=$hwm
    fi
    rm -f "$out" "$out.rss"
    [[ $rss =~ ^[0-9]+$ ]] || rss=0
    echo "$(((end - start) / 1000)) $rss"
    return "$status"
}

declare -A TIMES PEAK FAILED REF_TIMES REF_PEAK REF_FAILED
for name in "${NAMES[@]}"; do
    TIMES[$name]=""
    PEAK[$name]=0
    FAILED[$name]=0
    REF_TIMES[$name]=""
    REF_PEAK[$name]=0
    REF_FAILED[$name]=0
done
for ((i = 1; i <= RUNS; i++)); do
    for name in "${NAMES[@]}"; do
        echo "run $i/$RUNS: ${ARGS[$name]}" >&2
        if result=$(run_once "$name" "$BIN"); then :; else FAILED[$name]=1; fi
        read -r micros rss <<<"$result"
        TIMES[$name]+="$micros "
        ((rss > PEAK[$name])) && PEAK[$name]=$rss
        if ((MEASURE_REF)); then
            if result=$(run_once "$name" "$REF_BIN"); then :; else REF_FAILED[$name]=1; fi
            read -r micros rss <<<"$result"
            REF_TIMES[$name]+="$micros "
            ((rss > REF_PEAK[$name])) && REF_PEAK[$name]=$rss
        fi
    done
done

median() {
    tr ' ' '\n' <<<"$1" | grep -v '^$' | sort -n |
        awk '{v[NR] = $1} END {if (NR % 2) m = v[(NR + 1) / 2]; else m = (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.3f", m / 1e6}'
}

mib() {
    awk -v k="$1" 'BEGIN {printf "%.1f", k / 1024}'
}

status=0
echo "| workload | simnet (s) | reference (s) | ratio | peak RSS (MiB) | reference peak RSS (MiB) |"
echo "| --- | ---: | ---: | ---: | ---: | ---: |"
for name in "${NAMES[@]}"; do
    m=$(median "${TIMES[$name]}")
    ref=${REF[$name]}
    ref_rss="-"
    if ((MEASURE_REF)); then
        ref=$(median "${REF_TIMES[$name]}")
        ref_rss=$(mib "${REF_PEAK[$name]}")
    fi
    ratio=$(awk -v a="$m" -v b="$ref" 'BEGIN {if (b > 0) printf "%.2f", a / b; else print "-"}')
    if ((FAILED[$name])); then
        m="FAILED"
        ratio="-"
        status=1
    fi
    if ((REF_FAILED[$name])); then
        ref="FAILED"
        ratio="-"
        status=1
    fi
    echo "| \`${ARGS[$name]}\` | $m | $ref | $ratio | $(mib "${PEAK[$name]}") | $ref_rss |"
done
echo
if ((MEASURE_REF)); then
    echo "Medians of $RUNS whole-process runs each of $BIN and $REF_BIN, alternating ($(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg))."
else
    echo "Medians of $RUNS whole-process runs of $BIN ($(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)); the reference's figures were given, not measured."
fi
exit "$status"
