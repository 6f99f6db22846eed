# Sourced by bench/profile and bench/compare: processes they start, ports, --boost.
# Expects $boost (true/false); fills $pids; cleanup_started stops every process group in it.

pids=()
own_autogroup_nice=$(sed -n 's/.* nice //p' "/proc/$$/autogroup" 2>/dev/null || true)

# Stops every process started (each leads a process group of its own, made by setsid), restores our priority.
cleanup_started() {
  local p
  for p in "${pids[@]}"; do kill -TERM -- "-$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if $boost && [ -n "$own_autogroup_nice" ]; then echo "$own_autogroup_nice" >"/proc/$$/autogroup" 2>/dev/null || true; fi
}

# raise PID: with --boost, the process's scheduling group (its session) runs at autogroup nice -15.
raise() { if $boost; then echo -15 >"/proc/$1/autogroup"; fi; }

# free_port: a port below the ephemeral range that nothing listens on.
free_port() {
  local p
  while true; do
    p=$((20000 + RANDOM % 12000))
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
  done
}

# wait_port PORT: until something accepts on 127.0.0.1:PORT (30 s at most).
wait_port() {
  local i
  for i in $(seq 300); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done
  echo "nothing listens on port $1 after 30 s" >&2
  exit 1
}
