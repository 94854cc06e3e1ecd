#!/usr/bin/env bash
# A real single-node SLURM test cluster (Debian's slurmctld, slurmd and munge), for videokit's `#| slurm` tests.
#   scripts/slurm_cluster.sh start    install the Debian packages if missing (apt-get), write a config, start
#                                     munged, slurmctld and slurmd; prints `export SLURM_CONF=...` (use it)
#   scripts/slurm_cluster.sh stop     stop the three daemons by their pid files and remove the cluster folder
#   scripts/slurm_cluster.sh status   `running SLURM_CONF=...` (exit 0) or `not running` (exit 3)
# Everything (config, state, logs, munge socket) lives in one folder, $VIDEOKIT_SLURM_DIR (default
# /tmp/videokit-slurm), removed by `stop`; nothing is written to /etc. Needs root. Where root or apt-get is not
# available it prints one line starting with `skip slurm:` and exits 0, so tests can skip with that line.
# No accounting (no slurmdbd): `sacct` does not work here, as on many small clusters.
# Env: VIDEOKIT_SLURM_DIR, VIDEOKIT_SLURM_PORT (slurmctld port, default 6817; slurmd uses the next one),
#      VIDEOKIT_TEST_APT=0 (never apt-get install: skip when the packages are missing).
set -uo pipefail
D="${VIDEOKIT_SLURM_DIR:-/tmp/videokit-slurm}"
PORT="${VIDEOKIT_SLURM_PORT:-6817}"
CONF="$D/slurm.conf"

alive() { [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }
running() { alive "$D/slurmctld.pid" && alive "$D/slurmd.pid" && alive "$D/munged.pid"; }

stop_pid() {  # $1 pid file: TERM, wait up to 10 s, then KILL
  local f="$1" pid i
  [ -s "$f" ] || return 0
  pid="$(cat "$f")"
  kill -0 "$pid" 2>/dev/null || return 0
  kill "$pid" 2>/dev/null
  for i in $(seq 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.2; done
  kill -9 "$pid" 2>/dev/null
}

do_stop() {
  if [ ! -d "$D" ]; then echo "slurm: not running (no $D)"; return 0; fi
  stop_pid "$D/slurmd.pid"; stop_pid "$D/slurmctld.pid"; stop_pid "$D/munged.pid"
  rm -rf "$D"
  echo "slurm: stopped, removed $D"
}

do_status() {
  if running; then echo "running SLURM_CONF=$CONF"; return 0; fi
  echo "not running"; return 3
}

need() { command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ]; }

do_start() {
  if running; then echo "slurm: already running"; echo "export SLURM_CONF=$CONF"; return 0; fi
  if [ "$(id -u)" != "0" ]; then echo "skip slurm: a test cluster needs root (running as uid $(id -u))"; return 0; fi
  if ! { need slurmctld && need slurmd && need sbatch && need munged; }; then
    if [ "${VIDEOKIT_TEST_APT:-1}" = "0" ]; then
      echo "skip slurm: slurmctld/slurmd/munge are not installed and VIDEOKIT_TEST_APT=0 forbids installing them"; return 0
    fi
    if ! command -v apt-get >/dev/null 2>&1; then
      echo "skip slurm: slurmctld/slurmd/munge are not installed and there is no apt-get to install them"; return 0
    fi
    { DEBIAN_FRONTEND=noninteractive apt-get install -y -q slurmctld slurmd slurm-client munge ||
      { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q slurmctld slurmd slurm-client munge; }
    } > /tmp/videokit-slurm-apt.log 2>&1
    if ! { need slurmctld && need slurmd && need sbatch && need munged; }; then
      echo "skip slurm: apt-get could not install slurmctld slurmd slurm-client munge (log: /tmp/videokit-slurm-apt.log)"
      return 0
    fi
    rm -f /tmp/videokit-slurm-apt.log
  fi
  [ -d "$D" ] && do_stop > /dev/null   # leftovers of a cluster that died
  install -d -m 755 "$D" "$D/state" "$D/spool"
  install -d -m 700 -o munge -g munge "$D/munge"
  local key=/etc/munge/munge.key
  if [ ! -s "$key" ]; then   # a private key for this cluster only
    key="$D/munge/munge.key"
    head -c 1024 /dev/urandom > "$key" && chown munge:munge "$key" && chmod 400 "$key"
  fi
  runuser -u munge -- /usr/sbin/munged --socket="$D/munge/munge.socket" --pid-file="$D/munge/munged.pid" \
    --log-file="$D/munge/munged.log" --seed-file="$D/munge/munged.seed" --key-file="$key" --force
  for i in $(seq 50); do [ -s "$D/munge/munged.pid" ] && break; sleep 0.1; done
  ln -sf "$D/munge/munged.pid" "$D/munged.pid"
  local cpus mem
  cpus="$(nproc)"
  mem=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 * 8 / 10 ))
  [ "$mem" -gt 4000 ] && mem=4000
  cat > "$CONF" <<EOF
# videokit test cluster (scripts/slurm_cluster.sh); removed by 'stop'
ClusterName=videokit
SlurmctldHost=localhost
SlurmctldPort=$PORT
SlurmdPort=$((PORT+1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
# cred_expire is also the delay before a requeued job may start again (default 120 s)
AuthInfo=socket=$D/munge/munge.socket,cred_expire=10
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$D/jobcomp.txt
JobRequeue=1
# time limits and signals act within seconds, not minutes (a test cluster)
KillWait=5
OverTimeLimit=0
InactiveLimit=0
MinJobAge=300
MessageTimeout=10
SchedulerType=sched/backfill
SchedulerParameters=sched_interval=2,bf_interval=2
StateSaveLocation=$D/state
SlurmdSpoolDir=$D/spool
SlurmctldPidFile=$D/slurmctld.pid
SlurmdPidFile=$D/slurmd.pid
SlurmctldLogFile=$D/slurmctld.log
SlurmdLogFile=$D/slurmd.log
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE OverSubscribe=FORCE:4 State=UP
EOF
  export SLURM_CONF="$CONF"
  slurmctld -i -f "$CONF" || { echo "slurm: slurmctld did not start (log: $D/slurmctld.log)"; return 1; }
  slurmd -N localhost -f "$CONF" || { echo "slurm: slurmd did not start (log: $D/slurmd.log)"; return 1; }
  local st=""
  for i in $(seq 60); do
    st="$(sinfo -h -o %T 2>/dev/null | head -1)"
    case "$st" in idle*|mixed*|allocated*) break ;; down*|drain*) scontrol update nodename=localhost state=resume 2>/dev/null ;; esac
    sleep 0.5
  done
  case "$st" in idle*|mixed*|allocated*) ;; *) echo "slurm: node not ready (state '$st'; logs in $D)"; return 1 ;; esac
  echo "slurm: started (config, state and logs in $D)"
  echo "export SLURM_CONF=$CONF"
}

case "${1:-}" in
  start) do_start ;;
  stop) do_stop ;;
  status) do_status ;;
  *) echo "usage: $0 start|stop|status"; exit 2 ;;
esac
