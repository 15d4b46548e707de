#!/bin/sh
# One-shot: create the namespace the worker uses, unless it exists.
set -eu
. "$(dirname "$0")/common.sh"

RETENTION="${TEMPORAL_NAMESPACE_RETENTION:-72h}"

wait_for_temporal
if temporal operator namespace describe --namespace "$TEMPORAL_NAMESPACE" --address "$RESOLVED_ADDRESS" >/dev/null 2>&1; then
  log "namespace '$TEMPORAL_NAMESPACE' already exists"
else
  temporal operator namespace create --namespace "$TEMPORAL_NAMESPACE" --retention "$RETENTION" \
    --address "$RESOLVED_ADDRESS"
  log "namespace '$TEMPORAL_NAMESPACE' created (retention $RETENTION)"
fi
