import { expect } from 'chai';
import { ROLES, type Role } from '../../contract/src/primitives';
import { documentedMatrix } from '../support/documented-permission-matrix';
import {
  closeAll,
  enrol,
  ensureOrganisation,
  evaluate,
  isGatewayError,
  payloadInError,
  registerParticipant,
  submit,
  type Actor,
} from './support/medrec-client';

interface Metadata {
  contracts: Record<string, { transactions: { name: string; parameters?: unknown[] }[] }>;
}

/** The chaincode's answer to one call: its MedRec error code, or 'OK'. */
async function outcome(actor: Actor, tx: string, args: readonly string[]): Promise<string> {
  try {
    await evaluate(actor.connection, tx, ...args);
    return 'OK';
  } catch (err) {
    if (!isGatewayError(err)) throw err;
    return payloadInError(err)?.code ?? `not a MedRec error: ${err.message}`;
  }
}

/**
 * The permission matrix of chaincode/README.md, cell by cell, on the real network with real enrolled identities:
 * every forbidden cell answers MEDREC_FORBIDDEN, whatever the arguments (the role gate comes before any argument
 * is read), and a deactivated participant is refused everywhere. The allowed cells are exercised with real
 * subjects by the flow suites and, with every 'own' condition, by the unit matrix on the fake peer.
 */
describe('chaincode permission matrix on the real network', function () {
  this.timeout(600_000);
  const actors = new Map<Role, Actor>();
  let deactivated: Actor | undefined;
  let arity: Map<string, number>;

  before(async function () {
    const admin = await enrol('hospital1', 'admin');
    await ensureOrganisation(admin);
    actors.set('admin', admin);
    const registrar = await registerParticipant(admin, 'registrar');
    actors.set('registrar', registrar);
    actors.set('gatekeeper', await registerParticipant(admin, 'gatekeeper'));
    for (const role of ['patient', 'clinician', 'compliance', 'researcher'] as const) {
      actors.set(role, await registerParticipant(registrar, role));
    }
    deactivated = await registerParticipant(registrar, 'clinician');
    await submit(registrar.connection, 'Registrar:DeactivateParticipant', deactivated.participantId);
    const metadata = await evaluate<Metadata>(admin.connection, 'org.hyperledger.fabric:GetMetadata');
    arity = new Map(
      Object.entries(metadata.contracts).flatMap(([contract, { transactions }]) =>
        transactions.map((t) => [`${contract}:${t.name}`, (t.parameters ?? []).length] as const),
      ),
    );
  });

  after(function () {
    closeAll([...actors.values(), deactivated]);
  });

  it('refuses every forbidden cell with MEDREC_FORBIDDEN, for every role', async function () {
    const documented = documentedMatrix();
    expect(documented.size).to.be.greaterThan(40);
    const wrong: string[] = [];
    let checked = 0;
    for (const [tx, row] of documented) {
      const count = arity.get(tx);
      expect(count, `${tx} is documented but the chaincode does not have it`).to.not.equal(undefined);
      const args = Array.from({ length: count ?? 0 }, () => 'x');
      for (const role of ROLES) {
        if (row[role] !== '—') continue;
        const actor = actors.get(role);
        if (actor === undefined) throw new Error(`no ${role} actor`);
        const got = await outcome(actor, tx, args);
        checked += 1;
        if (got !== 'MEDREC_FORBIDDEN') wrong.push(`${tx} as ${role}: ${got}`);
      }
    }
    expect(wrong).to.deep.equal([]);
    expect(checked).to.be.greaterThan(150);
  });

  it('refuses a deactivated participant on every transaction but WhoAmI', async function () {
    if (deactivated === undefined) throw new Error('no deactivated actor');
    const wrong: string[] = [];
    for (const tx of documentedMatrix().keys()) {
      if (tx === 'Registrar:WhoAmI') continue;
      const args = Array.from({ length: arity.get(tx) ?? 0 }, () => 'x');
      const got = await outcome(deactivated, tx, args);
      if (got !== 'MEDREC_FORBIDDEN') wrong.push(`${tx}: ${got}`);
    }
    expect(wrong).to.deep.equal([]);
  });
});
