#!/usr/bin/env bash
# A single-node Slurm cluster in a temporary folder, for the tests: munged, slurmctld and slurmd
# from Debian's packages (scripts/install-deps), on 127.0.0.1 and free ports, this machine's
# cores, stopped by their process ids. Sourced by the end-to-end test:
#   cluster_start DIR     starts the daemons and waits until the node takes jobs; exports SLURM_CONF
#   cluster_stop          stops each daemon this started, by its pid
# Any failure to start is fatal: the test fails, never skips.

cluster_pids=()

cluster_fail() {
  echo "slurm test: $*" >&2
  for log in "$cluster_dir"/*.log "$cluster_dir"/*.out; do
    [ -f "$log" ] && { echo "--- $log" >&2; tail -n 20 "$log" >&2; }
  done
  exit 1
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

cluster_start() {
  cluster_dir=$1
  for tool in munged slurmctld slurmd sbatch squeue scontrol; do
    command -v "$tool" >/dev/null || cluster_fail "$tool is not installed (scripts/install-deps installs Slurm)"
  done
  mkdir -p "$cluster_dir"/{munge,state,spool}
  chmod 700 "$cluster_dir" "$cluster_dir/munge"
  head -c 1024 /dev/urandom >"$cluster_dir/munge/munge.key"
  chmod 400 "$cluster_dir/munge/munge.key"
  local socket="$cluster_dir/munge/munge.socket"
  munged --force --foreground --key-file="$cluster_dir/munge/munge.key" --socket="$socket" \
    --pid-file="$cluster_dir/munge/munged.pid" --log-file="$cluster_dir/munged.log" \
    --seed-file="$cluster_dir/munge/munged.seed" >"$cluster_dir/munged.out" 2>&1 &
  cluster_pids+=($!)
  local node cpus user
  node=$(hostname -s)
  cpus=$(nproc)
  user=$(id -un)
  local ctld_port slurmd_port
  ctld_port=$(free_port)
  slurmd_port=$(free_port)
  cat >"$cluster_dir/slurm.conf" <<CONF
ClusterName=designsim-test
SlurmctldHost=$node(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=$user
SlurmdUser=$user
AuthType=auth/munge
AuthInfo=socket=$socket
CredType=cred/munge
StateSaveLocation=$cluster_dir/state
SlurmdSpoolDir=$cluster_dir/spool
SlurmctldPidFile=$cluster_dir/slurmctld.pid
SlurmdPidFile=$cluster_dir/slurmd.pid
SlurmctldLogFile=$cluster_dir/slurmctld.log
SlurmdLogFile=$cluster_dir/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/builtin
MpiDefault=none
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
ReturnToService=2
SlurmctldTimeout=30
SlurmdTimeout=30
NodeName=$node NodeAddr=127.0.0.1 CPUs=$cpus State=UNKNOWN
PartitionName=test Nodes=$node Default=YES MaxTime=INFINITE State=UP
CONF
  export SLURM_CONF="$cluster_dir/slurm.conf"
  for _ in $(seq 50); do [ -S "$socket" ] && break; sleep 0.1; done
  [ -S "$socket" ] || cluster_fail "munged did not start"
  slurmctld -D -i -f "$SLURM_CONF" >"$cluster_dir/slurmctld.out" 2>&1 &
  cluster_pids+=($!)
  slurmd -D -f "$SLURM_CONF" -N "$node" >"$cluster_dir/slurmd.out" 2>&1 &
  cluster_pids+=($!)
  local state=""
  for _ in $(seq 120); do
    state=$(sinfo -h -N -o '%T' 2>/dev/null | head -n 1)
    [ "$state" = idle ] && return 0
    sleep 0.5
  done
  cluster_fail "the node did not become idle within 60 s (state: '${state:-none}')"
}

cluster_stop() {
  local pid
  for ((i = ${#cluster_pids[@]} - 1; i >= 0; i--)); do
    pid=${cluster_pids[$i]}
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${cluster_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  cluster_pids=()
}
