#!/usr/bin/env bash
# A sharded sweep and a sharded study through a real Slurm: a single-node cluster on this
# machine (tests/slurm/cluster.sh), scripts/slurm/sweep.sbatch and study.sbatch as 4-task array
# jobs, scripts/slurm/merge.sbatch after each with --dependency=afterok, a bounded wait, then
# the merged reports compared byte for byte with an unsharded run's. Fails, never skips, when
# Slurm cannot start.
#   tests/slurm/end_to_end.sh DESIGNSIM SOURCE_DIR
set -euo pipefail
designsim=$(realpath "$1")
cd "$2"
source tests/slurm/cluster.sh
work=$(mktemp -d "${TMPDIR:-/tmp}/designsim-slurm-XXXXXX")
trap 'cluster_stop; rm -rf "$work"' EXIT
cluster_start "$work/cluster"
export DESIGNSIM=$designsim

scenario=scenarios/lock/redis-gc-pause-plain.yaml
study=scenarios/studies/redlock-vs-fencing.yaml
"$designsim" sweep "$scenario" --seeds 24 --jobs 2 --out "$work/whole-sweep" >/dev/null || [ $? -eq 1 ]
"$designsim" study "$study" --seeds 2 --jobs 2 --out "$work/whole-study" >/dev/null

submit() { sbatch --parsable --chdir="$PWD" --output="$work/%x-%A_%a.out" "$@"; }
sweep_job=$(submit --array=0-3 scripts/slurm/sweep.sbatch "$scenario" 24 "$work/sweep")
sweep_merge=$(submit --dependency=afterok:"$sweep_job" scripts/slurm/merge.sbatch "$work/sweep" 4)
study_job=$(submit --array=0-3 scripts/slurm/study.sbatch "$study" 2 "$work/study")
study_merge=$(submit --dependency=afterok:"$study_job" scripts/slurm/merge.sbatch "$work/study" 4)
jobs="$sweep_job,$sweep_merge,$study_job,$study_merge"

deadline=$((SECONDS + 400))
while [ -n "$(squeue -h -j "$jobs" 2>/dev/null)" ]; do
  [ $SECONDS -lt $deadline ] || { squeue; cluster_fail "the jobs did not finish within 400 s"; }
  sleep 1
done
for job in "$sweep_merge" "$study_merge"; do
  state=$(scontrol show job "$job" -o | grep -o 'JobState=[A-Z_]*' || true)
  [ "$state" = JobState=COMPLETED ] || { cat "$work"/*.out >&2; cluster_fail "merge job $job: ${state:-gone}"; }
done

status=0
for file in sweep/sweep.json sweep/sweep.md sweep/sweep.html study/study.json study/study.md study/study.html \
  study/cells/redlock--fenced--gc-pause.yaml; do
  whole="$work/whole-${file%%/*}/${file#*/}"
  if cmp -s "$whole" "$work/$file"; then
    echo "same: $file"
  else
    echo "DIFFERENT: $file (merged on Slurm) and the unsharded run's" >&2
    status=1
  fi
done
[ -s "$work/sweep/sweep.json" ] || status=1
exit $status
