import { expect } from 'chai';
import fc from 'fast-check';
import { PERMISSIONS } from '../../../chaincode/src/common/permissions';
import { ROLES } from '../../../contract/src/primitives';
import { ChaincodeError } from './support/client';
import { FakeIdentity, chaincode, identity } from './support/fake-peer';
import { H1, H2, HASH_A, consentBody, freshPeer, orgBody, who } from './support/world';

const TRANSACTIONS = Object.keys(PERMISSIONS);

function arityOf(tx: string): number {
  const [contract, name] = tx.split(':') as [string, string];
  return chaincode().metadata.contracts[contract]?.transactions.find((t) => t.name === name)?.parameters?.length ?? 0;
}

const knownIdentities = Object.values(who);

const identityArb: fc.Arbitrary<FakeIdentity> = fc.oneof(
  fc.constantFrom(...knownIdentities),
  fc
    .record({
      msp: fc.constantFrom(H1, H2, 'ResearchMSP', 'EvilMSP', ''),
      role: fc.oneof(fc.constantFrom(...ROLES), fc.string()),
      id: fc.oneof(fc.constantFrom('p1', 'c1', 'co1', 'adm1', 'x'), fc.string()),
    })
    .map(({ msp, role, id }) => identity(msp, role, id)),
);

/** Strings a careless or hostile client might send: ids, junk, control characters, JSON of any shape, broken JSON. */
const argArb: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('p1', 'rec1', 'consent-c2', H1, '', '\u0000', 'a/b', '{', '[]', 'null', '1e999', '{"__proto__":{}}'),
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  fc.jsonValue().map((value) => JSON.stringify(value)),
  fc
    .dictionary(
      fc.constantFrom('patientId', 'recordId', 'purpose', 'pageSize', 'bookmark', 'from', 'to', 'x'),
      fc.jsonValue(),
    )
    .map((value) => JSON.stringify(value)),
);

/** Valid bodies, so that mutating one field at a time reaches deep into each schema. */
const VALID_BODIES: [string, FakeIdentity, Record<string, unknown>][] = [
  ['Registrar:RegisterOrganisation', who.adm1, orgBody(H1) as Record<string, unknown>],
  ['Registrar:RegisterParticipant', who.reg1, { participantId: 'n1', role: 'patient', enrollmentId: 'n1' }],
  [
    'Records:RegisterRecord',
    who.c1,
    { recordId: 'r9', patientId: 'p1', category: 'note', contentHash: HASH_A, locator: 'urn:x' },
  ],
  ['Records:AmendRecord', who.c1, { recordId: 'rec1', newRecordId: 'r9', contentHash: HASH_A, locator: 'urn:x' }],
  ['Consent:GrantConsent', who.p1, consentBody({ consentId: 'new' })],
  ['Access:RequestAccess', who.c2, { recordId: 'rec1', purpose: 'TREAT' }],
  ['Access:BreakGlass', who.c2, { recordId: 'rec1', reason: 'patient-unconscious', durationMinutes: 30 }],
  ['Audit:QueryByPatient', who.p1, { patientId: 'p1', from: '2030-01-01T00:00:00Z' }],
  ['Summary:AcknowledgeNotifications', who.p1, { patientId: 'p1', notificationIds: ['x'] }],
];

async function assertContained(caller: FakeIdentity, tx: string, args: string[]): Promise<void> {
  const { peer } = await freshPeer();
  const before = peer.ledger.snapshot();
  const outcome = await peer.invoke(caller, tx, args);
  if (outcome.ok) {
    if (outcome.kind === 'EVALUATE') {
      expect(outcome.writes, `${tx} evaluated but wrote`).to.equal(0);
    }
    expect(outcome.eventCalls.length, `${tx}: at most one event`).to.be.at.most(1);
    return;
  }
  const error = new ChaincodeError(outcome);
  expect(error.code, `${tx} ${JSON.stringify(args)} -> ${outcome.message}`).to.match(
    /^MEDREC_(INVALID_ARGUMENT|FORBIDDEN|NOT_FOUND|CONFLICT)$/,
  );
  expect(peer.ledger.snapshot(), `${tx} rejected but wrote`).to.equal(before);
}

describe('property: hostile input never crashes a transaction and a rejection never writes', () => {
  it('random identities and arguments on every transaction', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...TRANSACTIONS),
        identityArb,
        fc.array(argArb, { minLength: 3, maxLength: 3 }),
        async (tx, caller, pool) => {
          await assertContained(caller, tx, pool.slice(0, arityOf(tx)));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('valid bodies with one field replaced, removed or added', async () => {
    const mutation = fc.oneof(
      fc.record({ op: fc.constant('set' as const), field: fc.string({ maxLength: 12 }), value: fc.jsonValue() }),
      fc.record({ op: fc.constant('drop' as const), index: fc.nat() }),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...VALID_BODIES), mutation, async ([tx, caller, body], change) => {
        const mutated: Record<string, unknown> = { ...body };
        if (change.op === 'set') {
          const keys = Object.keys(body);
          const field =
            keys.includes(change.field) || change.field.length > 3
              ? change.field
              : (keys[change.field.length] ?? change.field);
          mutated[field] = change.value;
        } else {
          const keys = Object.keys(body);
          const dropped = keys[change.index % keys.length] ?? '';
          for (const field of keys) {
            if (field === dropped) {
              Reflect.deleteProperty(mutated, field);
            }
          }
        }
        await assertContained(caller, tx, [JSON.stringify(mutated)]);
      }),
      { numRuns: 300 },
    );
  });
});
