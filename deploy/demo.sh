#!/usr/bin/env bash
# Loads a small demo study into a running icr-server: three coders, a lead,
# a two-level codebook (themes and categories), an ordinal domain, six
# invented interview excerpts from a peer-mentoring study, a blind pilot
# round, and each coder's codings (submitted with the coder's own token);
# then prints the pilot round's agreement table.
#   ICR=path/to/icr deploy/demo.sh [ADMIN_TOKEN_FILE]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
icr="${ICR:-icr}"
admin_token="${1:-./icr-data/admin.token}"
# The demo users' tokens are kept beside the admin's, private to the owner.
work="$(dirname "$admin_token")/demo-tokens"

for _ in $(seq 1 50); do
  [ -f "$admin_token" ] && "$icr" --token_file "$admin_token" whoami >/dev/null 2>&1 && break
  sleep 0.2
done

as_admin() { "$icr" --token_file "$admin_token" "$@"; }
as_lead() { "$icr" --token_file "$work/lead.token" "$@"; }

if as_admin project show demo >/dev/null 2>&1; then
  echo "demo: project 'demo' is already loaded"
  exit 0
fi
mkdir -p -m 700 "$work"
for user in lead alice bob carol; do
  (umask 077; as_admin user create "$user" --output csv | tail -n 1 | cut -d, -f3 | tr -d '"' \
    >"$work/$user.token")
done
as_lead project create demo --title "Peer mentoring in medical school" --blind >/dev/null
for coder in alice bob carol; do as_lead member add demo "$coder" --role coder >/dev/null; done

as_lead code add demo support --name "Support" --definition "Ways the mentor helped" >/dev/null
as_lead code add demo practical --name "Practical help" --parent support \
  --definition "Concrete help with studying: notes, what to skip, resources" >/dev/null
as_lead code add demo emotional --name "Emotional support" --parent support \
  --definition "Reassurance, talking about stress or burnout" >/dev/null
as_lead code add demo barriers --name "Barriers" --definition "What got in the way" >/dev/null
as_lead code add demo availability --name "Availability" --parent barriers \
  --definition "The mentor was hard to reach or had no time" >/dev/null
as_lead code add demo engagement --name "Low engagement" --parent barriers \
  --definition "Mentoring felt like a formality" >/dev/null
as_lead code add demo low --name "Low" --value 1 >/dev/null
as_lead code add demo medium --name "Medium" --value 2 >/dev/null
as_lead code add demo high --name "High" --value 3 >/dev/null
as_lead domain create demo satisfaction --level ordinal --codes low,medium,high >/dev/null

docs=(int-01 int-02 int-03 int-04 int-05 int-06)
for doc in "${docs[@]}"; do
  as_lead doc add demo "$doc" --file "$here/demo/$doc.txt" --segment paragraph >/dev/null
done
as_lead round create demo pilot --docs "$(IFS=,; echo "${docs[*]}")" --coders alice,bob,carol \
  --blind >/dev/null
# Each coder codes blind, with their own token.
for coder in alice bob carol; do
  "$icr" --token_file "$work/$coder.token" coding submit demo pilot \
    --file "$here/demo/codings-$coder.csv" >/dev/null
  # ... and says when each document is finished: agreement counts finished work.
  for doc in "${docs[@]}"; do
    "$icr" --token_file "$work/$coder.token" coding done demo pilot "$doc" >/dev/null
  done
done
echo "demo: loaded project 'demo' (lead, alice, bob, carol; 9 codes; 6 documents;"
echo "      blind round 'pilot' with the three coders' codings, every document done)"
echo "demo: the demo users' tokens are in $work/"
echo
as_lead agreement demo pilot
echo
echo "where to go next (as the lead: --token_file $work/lead.token):"
echo "  icr agreement demo pilot --by domain        # the ordinal satisfaction domain"
echo "  icr agreement demo pilot --rollup 1         # themes instead of categories"
echo "  icr round show demo pilot                   # each coder's progress"
echo "  icr round advance demo pilot                # OPEN -> RECONCILING"
echo "  icr disagreements demo pilot                # every unit where the coders differ"
echo "  icr resolve demo pilot ID --value CODE|none --rationale TEXT"
echo "  icr consensus demo pilot --output csv       # the consensus coding"
