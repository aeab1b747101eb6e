#!/usr/bin/env bash
# The README's five-minute walkthrough, kept as a script so a test runs it exactly as written (it cannot rot).
# Run it from the repository root after `npm start`. Needs curl and jq.
set -euo pipefail

HOME_DIR=${MEDREC_HOME:-.medrec}
BASE=${MEDREC_PORT_BASE:-27000}
H1=${MEDREC_H1_URL:-http://127.0.0.1:$((BASE + 180))}   # hospital1's API (npm start prints each API's URL)
H2=${MEDREC_H2_URL:-http://127.0.0.1:$((BASE + 280))}   # hospital2's API
ADMIN1=$(cat "$HOME_DIR/api/hospital1/admin.token")   # written by `npm start`, mode 0600
ADMIN2=$(cat "$HOME_DIR/api/hospital2/admin.token")
RUN=$(date +%s%N | tail -c 9)   # fresh ids, so the walkthrough can be repeated on the same network

# api METHOD URL TOKEN [curl args...]: JSON in, JSON out; fails on an HTTP error and prints the problem+json body.
api() {
  local method=$1 url=$2 token=$3
  shift 3
  curl -sS --fail-with-body -X "$method" "$url" -H "authorization: Bearer $token" -H 'content-type: application/json' "$@"
}

echo '1. hospital1 registers a patient (by its own MRN) and a clinician; hospital2 registers a clinician'
echo '   (the API generates pseudonymous participant ids; the MRN stays in hospital1 and each gets an API token)'
REG=$(api POST "$H1/v1/participants" "$ADMIN1" -d "{\"role\":\"patient\",\"externalId\":\"MRN-$RUN\"}")
PAT=$(jq -r .participant.participantId <<<"$REG")
PATIENT=$(jq -r .token.token <<<"$REG")
DOC1=$(api POST "$H1/v1/participants" "$ADMIN1" -d '{"role":"clinician"}' | jq -r .token.token)
REG=$(api POST "$H2/v1/participants" "$ADMIN2" -d '{"role":"clinician"}')
DOC2_ID=$(jq -r .participant.participantId <<<"$REG")
DOC2=$(jq -r .token.token <<<"$REG")
echo "   patient $PAT (hospital1 finds them by MRN: GET /v1/participants?externalId=MRN-$RUN)"

echo "2. hospital1's clinician adds a record: stored at hospital1's gatekeeper, pointer + hash on the ledger"
RECORD=$(api POST "$H1/v1/patients/$PAT/records" "$DOC1" -d @- <<JSON | jq -r .record.recordId
{
  "resourceType": "Condition",
  "clinicalStatus": { "coding": [{ "system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": "active" }] },
  "code": { "coding": [{ "system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "E11.9", "display": "Type 2 diabetes mellitus without complications" }] },
  "subject": { "reference": "Patient/$PAT" },
  "onsetDateTime": "2021-03-04"
}
JSON
)
echo "   record $RECORD"

echo "3. the patient grants hospital2's clinician access for treatment (TREAT), for one day"
NOW=$(date -u +%FT%TZ)
TOMORROW=$(date -u -d '+1 day' +%FT%TZ)
CONSENT=$(api POST "$H1/v1/patients/$PAT/consents" "$PATIENT" -d "{
  \"grantee\": {\"kind\": \"participant\", \"participantId\": \"$DOC2_ID\"},
  \"scope\": {\"custodians\": [\"Hospital1MSP\"]},
  \"purposes\": [\"TREAT\"],
  \"period\": {\"notBefore\": \"$NOW\", \"notAfter\": \"$TOMORROW\"}
}" | jq -r .consent.consentId)

echo "4. hospital2's clinician fetches the record through hospital2's API (ticket on chain, hash checked)"
api GET "$H2/v1/records/$RECORD?purpose=TREAT" "$DOC2" | jq '{code: .resource.code.coding[0].code, ticket: .ticket.ticketId}'

echo '5. the patient revokes the consent'
api DELETE "$H1/v1/consents/$CONSENT" "$PATIENT" | jq -r .consent.status

echo '6. the same request is now refused (403 problem+json; the deny is on the ledger too)'
STATUS=$(curl -sS -o /dev/null -w '%{http_code}' "$H2/v1/records/$RECORD?purpose=TREAT" -H "authorization: Bearer $DOC2")
echo "   HTTP $STATUS"
test "$STATUS" = 403

echo "7. the patient reads their audit trail: every step, with its transaction id"
api GET "$H1/v1/audit/events?patientId=$PAT" "$PATIENT" | jq -c '.items[] | {type, actor: .actor.participantId, outcome, txId}'
