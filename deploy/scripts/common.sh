# Shared by the one-shot admin-tools services (sourced, not run). POSIX sh: the admin-tools
# image's /bin/sh is not bash.

TEMPORAL_ADDRESS="${TEMPORAL_ADDRESS:-temporal:7233}"
TEMPORAL_NAMESPACE="${TEMPORAL_NAMESPACE:-default}"
MAX_ATTEMPTS="${MAX_ATTEMPTS:-30}"
WAIT_SECONDS="${WAIT_SECONDS:-2}"

log() { echo "[$(basename "$0")] $*"; }
fail() { echo "[$(basename "$0")] ERROR: $*" >&2; exit 1; }

# The CLI inside admin-tools can stall on a hostname that also resolves to IPv6; talk to the
# IPv4 address when there is one, else to the address as given.
resolve_temporal_address() {
  host="${TEMPORAL_ADDRESS%:*}"
  port="${TEMPORAL_ADDRESS##*:}"
  ip="$(getent ahosts "$host" 2>/dev/null | awk '$1 ~ /^[0-9.]+$/ { print $1; exit }')" || ip=""
  if [ -n "$ip" ]; then
    RESOLVED_ADDRESS="$ip:$port"
  else
    RESOLVED_ADDRESS="$TEMPORAL_ADDRESS"
  fi
}

wait_for_temporal() {
  resolve_temporal_address
  attempt=1
  until temporal operator cluster health --address "$RESOLVED_ADDRESS" >/dev/null 2>&1; do
    if [ "$attempt" -ge "$MAX_ATTEMPTS" ]; then
      fail "Temporal at $TEMPORAL_ADDRESS is not healthy after $MAX_ATTEMPTS attempts; check 'docker compose logs temporal'."
    fi
    log "waiting for Temporal at $TEMPORAL_ADDRESS ($attempt/$MAX_ATTEMPTS)"
    attempt=$((attempt + 1))
    sleep "$WAIT_SECONDS"
  done
  log "Temporal at $TEMPORAL_ADDRESS is serving"
}
