#!/usr/bin/env bash
# hack/await-crd.sh KUBECTL [CRD]: waits (at most 60 s) until the CRD is Established.
# `kubectl wait --for condition=Established` fails at once, instead of waiting, while a CRD that was
# just applied has no status.conditions yet (".status.conditions accessor error: <nil>"); the
# FeatureJob CRD, with its typed pod options, takes a moment longer than that.
set -euo pipefail
kubectl="$1"
crd="${2:-crd/featurejobs.featurejob.io}"
deadline=$(( $(date +%s) + 60 ))
while :; do
  established="$("$kubectl" get "$crd" -o jsonpath='{.status.conditions[?(@.type=="Established")].status}' 2>/dev/null || true)"
  [ "$established" = True ] && exit 0
  if [ "$(date +%s)" -ge "$deadline" ]; then
    echo "await-crd: $crd not Established within 60 s" >&2
    "$kubectl" get "$crd" -o jsonpath='{.status}' >&2 || true
    exit 1
  fi
  sleep 0.5
done
