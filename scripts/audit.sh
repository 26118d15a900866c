#!/usr/bin/env bash
# Audit the locked dependencies (uv.lock) for known vulnerabilities with `uv audit`, which
# asks the OSV service (AUDIT_SERVICE_URL, else uv's default, https://api.osv.dev).
#
#   vulnerabilities reported  -> the list, how to upgrade, exit 1 (make test fails)
#   no vulnerability          -> exit 0
#   service not reached, or uv without an audit command
#                             -> a loud warning that NO AUDIT WAS DONE, exit 0;
#                                AUDIT_REQUIRED=true makes it exit 2 instead
set -uo pipefail

UV=${UV:-$(command -v uv || echo .tools/bin/uv)}
args=(audit --frozen --preview-features audit-command)
[ -n "${AUDIT_SERVICE_URL:-}" ] && args+=(--service-url "$AUDIT_SERVICE_URL")

output=$("$UV" "${args[@]}" 2>&1)
status=$?
case $status in
  0)
    echo "$output" | grep -v '^warning:' | head -n 3
    ;;
  1)
    echo "$output" >&2
    echo >&2
    echo "Vulnerable dependencies in uv.lock. Upgrade each within the ranges pyproject.toml" >&2
    echo "declares: '$UV lock --upgrade-package NAME', then 'make venv' and 'make test'." >&2
    exit 1
    ;;
  *)
    {
      echo "################################################################################"
      echo "# WARNING: NO DEPENDENCY AUDIT WAS DONE."
      echo "# '$UV ${args[*]}' could not run (exit $status):"
      echo "$output" | sed 's/^/#   /'
      echo "# The vulnerability service must be reachable (or set AUDIT_SERVICE_URL), and uv"
      echo "# must have its audit command. Set AUDIT_REQUIRED=true to make this an error."
      echo "################################################################################"
    } >&2
    [ "${AUDIT_REQUIRED:-false}" = true ] && exit 2
    ;;
esac
exit 0
