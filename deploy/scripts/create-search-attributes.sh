#!/bin/sh
# One-shot: create this project's custom search attributes on the namespace.
# SEARCH_ATTRIBUTES is a whitespace-separated list of Name=Type (docker-compose.yml sets it; a unit
# test keeps it equal to src/shared/searchAttributes.ts). An attribute that already exists with the
# same type is fine; one that exists with a different type is an error a person must resolve.
set -eu
. "$(dirname "$0")/common.sh"

: "${SEARCH_ATTRIBUTES:?SEARCH_ATTRIBUTES is empty: set it to Name=Type pairs, e.g. FineTuneStage=Keyword}"

# Check every entry before touching the server, so a typo changes nothing.
for spec in $SEARCH_ATTRIBUTES; do
  name="${spec%%=*}"
  type="${spec#*=}"
  if [ "$name" = "$spec" ] || [ -z "$name" ] || [ -z "$type" ]; then
    fail "bad SEARCH_ATTRIBUTES entry '$spec': expected Name=Type, e.g. FineTuneStage=Keyword"
  fi
done

create_one() {
  name="$1"
  type="$2"
  attempt=1
  while :; do
    if out="$(temporal operator search-attribute create --namespace "$TEMPORAL_NAMESPACE" \
      --name "$name" --type "$type" --address "$RESOLVED_ADDRESS" 2>&1)"; then
      log "search attribute $name ($type) created"
      return 0
    fi
    case "$out" in
      *"different type"*)
        fail "search attribute $name exists with another type ($out). Remove it with 'temporal operator search-attribute remove --name $name' or rename the key." ;;
      *"already exists"* | *"already registered"*)
        log "search attribute $name already exists"
        return 0 ;;
    esac
    # A namespace created moments ago can take a few seconds to become visible: retry.
    if [ "$attempt" -ge "$MAX_ATTEMPTS" ]; then
      fail "could not create search attribute $name after $MAX_ATTEMPTS attempts: $out"
    fi
    log "retrying $name ($attempt/$MAX_ATTEMPTS): $out"
    attempt=$((attempt + 1))
    sleep "$WAIT_SECONDS"
  done
}

wait_for_temporal
for spec in $SEARCH_ATTRIBUTES; do
  create_one "${spec%%=*}" "${spec#*=}"
done
log "search attributes ready on namespace '$TEMPORAL_NAMESPACE'"
