#!/bin/sh
# A one-node Slurm cluster on this machine, in a folder of its own (its slurm.conf, munge key and
# socket, state and spool folders, ports): `cluster.sh start DIR` prints `export SLURM_CONF=...`
# once sinfo answers; `cluster.sh stop DIR` stops its daemons by PID. Needs root (SlurmUser=root)
# and Debian's slurm-wlm and munge.
set -eu
cmd=$1
dir=$(cd "$2" && pwd)
case "$cmd" in
start)
  mkdir -p "$dir/munge" "$dir/state" "$dir/spool"
  chmod 700 "$dir/munge"
  dd if=/dev/urandom of="$dir/munge/munge.key" bs=1024 count=1 2>/dev/null
  chmod 400 "$dir/munge/munge.key"
  /usr/sbin/munged --force --socket="$dir/munge/munge.socket" --key-file="$dir/munge/munge.key" \
    --pid-file="$dir/munge/munged.pid" --log-file="$dir/munge/munged.log" --seed-file="$dir/munge/munged.seed"
  port=${SLURM_TEST_PORT:-$((20000 + $$ % 20000))}
  host=$(hostname -s)
  cpus=$(nproc)
  cat > "$dir/slurm.conf" <<CONF
ClusterName=lowrank-test
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$dir/munge/munge.socket
CryptoType=crypto/munge
SlurmctldPort=$port
SlurmdPort=$((port + 1))
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
ReturnToService=2
KillWait=5
MinJobAge=30
SchedulerParameters=sched_interval=1
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=1000 State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
  export SLURM_CONF="$dir/slurm.conf"
  /usr/sbin/slurmctld -c -f "$SLURM_CONF"
  /usr/sbin/slurmd -c -f "$SLURM_CONF"
  i=0
  until sinfo -h -o %T 2>/dev/null | grep -Eq '^(idle|mixed|allocated)'; do
    i=$((i + 1))
    if [ $i -gt 60 ]; then echo "slurm did not come up; see $dir/*.log" >&2; exit 1; fi
    sleep 0.5
  done
  echo "export SLURM_CONF=$SLURM_CONF"
  ;;
stop)
  # Cancel this cluster's jobs first: slurmd does not take its job steps (slurmstepd and the task
  # processes under it) with it when it ends, so a run stopped mid-job would leave them running.
  if [ -f "$dir/slurmctld.pid" ] && kill -0 "$(cat "$dir/slurmctld.pid")" 2>/dev/null; then
    SLURM_CONF="$dir/slurm.conf" scancel --partition=debug 2>/dev/null || true
    i=0
    while [ $i -lt 40 ] && [ -n "$(SLURM_CONF="$dir/slurm.conf" squeue -h -t RUNNING,COMPLETING -o %i 2>/dev/null)" ]; do
      i=$((i + 1)); sleep 0.25
    done
  fi
  pids=""
  for f in "$dir/slurmd.pid" "$dir/slurmctld.pid" "$dir/munge/munged.pid"; do
    if [ -f "$f" ]; then
      pid=$(cat "$f")
      if kill "$pid" 2>/dev/null; then pids="$pids $pid"; fi
    fi
  done
  # Wait until the daemons have gone (they still write their logs and state while stopping), so
  # that the caller can remove the folder; at most 10 s each.
  for pid in $pids; do
    i=0
    while kill -0 "$pid" 2>/dev/null && [ $i -lt 40 ]; do i=$((i + 1)); sleep 0.25; done
  done
  ;;
esac
