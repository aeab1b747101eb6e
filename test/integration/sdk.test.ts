import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { ChaincodeError } from '../../sdk/src/errors';
import { processBlocks, processChaincodeEvents, type MedrecEvent } from '../../sdk/src/event-stream';
import { connectGateway } from '../../sdk/src/gateway-connection';
import { createIdentityService, IdentityServiceError } from '../../sdk/src/identity-service';
import { createMedrecClient } from '../../sdk/src/medrec-client';
import { connectAs, consortium, eventually, freshId } from './support/shared-network';

describe('SDK on the real network', function () {
  describe('identities from the organisation CA', function () {
    it('registers and enrolls a user whose certificate carries medrec.role and medrec.id; re-enroll keeps the participant', async function () {
      const identities = createIdentityService(consortium().identityServiceOptions('hospital1'));
      const enrollmentId = freshId('nurse');
      const participantId = freshId('clin');
      const secret = await identities.register({ enrollmentId, role: 'clinician', participantId });
      const first = await identities.enroll(enrollmentId, secret);
      const second = await identities.reenroll(first);
      expect(second.certificate).to.not.equal(first.certificate);
      expect(second.privateKey).to.not.equal(first.privateKey);
      const endpoint = consortium().peerEndpoint('hospital1');
      for (const identity of [first, second]) {
        const connection = connectGateway({
          peerAddress: endpoint.address,
          tlsRootCertificate: endpoint.tlsRootCertificate,
          tlsServerName: endpoint.tlsServerName,
          identity,
        });
        try {
          const me = await createMedrecClient(connection.gateway).whoAmI();
          expect(me).to.include({ mspId: 'Hospital1MSP', role: 'clinician', participantId });
        } finally {
          connection.close();
        }
      }
    });

    it('revokes a user: the CA refuses to re-enroll it', async function () {
      const identities = createIdentityService(consortium().identityServiceOptions('hospital2'));
      const enrollmentId = freshId('leaver');
      const secret = await identities.register({ enrollmentId, role: 'clinician', participantId: freshId('clin') });
      const identity = await identities.enroll(enrollmentId, secret);
      await identities.revoke(enrollmentId, 'keycompromise');
      const err = await identities.reenroll(identity).catch((e: unknown) => e);
      expect(err).to.be.instanceOf(IdentityServiceError);
    });
  });

  it('raises a typed chaincode error with its code, the transaction id and per-peer details', async function () {
    const patient = await connectAs('hospital1', { 'medrec.role': 'patient', 'medrec.id': freshId('pat') });
    try {
      const err = await createMedrecClient(patient.gateway)
        .registerParticipant({ participantId: freshId('x'), role: 'clinician', enrollmentId: freshId('e') })
        .catch((e: unknown) => e);
      expect(err).to.be.instanceOf(ChaincodeError);
      const error = err as ChaincodeError;
      expect(error.code).to.equal('MEDREC_FORBIDDEN');
      expect(error.transactionId).to.be.a('string').with.length.above(10);
      expect(error.details.length).to.be.above(0);
    } finally {
      patient.close();
    }
  });

  it('delivers each chaincode event exactly once to a checkpointed listener restarted mid-stream', async function () {
    const admin = await connectAs('hospital1', { 'medrec.role': 'admin', 'medrec.id': freshId('admin') });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'medrec-events-'));
    try {
      const client = createMedrecClient(admin.gateway);
      const startBlock = BigInt((await consortium().chainInfo('hospital1')).height);
      const ids = Array.from({ length: 6 }, () => freshId('evt'));
      const txIds = new Set<string>();
      for (const participantId of ids) {
        const submitted = await client.registerParticipant({
          participantId,
          role: 'patient',
          enrollmentId: participantId,
        });
        txIds.add(submitted.transactionId);
      }
      const seen: MedrecEvent[] = [];
      const options = { checkpointFile: path.join(dir, 'checkpoint.json'), startBlock };
      // First listener stops after handling three of our events, as if the process were stopped.
      let stopFirst: () => void = () => undefined;
      const first = await processChaincodeEvents(admin.gateway, options, (event) => {
        if (txIds.has(event.transactionId)) {
          seen.push(event);
          if (seen.length === 3) stopFirst();
        }
        return Promise.resolve();
      });
      stopFirst = () => {
        first.close();
      };
      await first.done;
      expect(seen).to.have.length(3);
      const second = await processChaincodeEvents(admin.gateway, options, (event) => {
        if (txIds.has(event.transactionId)) seen.push(event);
        return Promise.resolve();
      });
      await eventually(
        'all six events seen',
        () => Promise.resolve(seen.length),
        (n) => n >= 6,
        30_000,
      );
      second.close();
      await second.done;
      expect(seen.map((e) => e.transactionId).sort()).to.deep.equal([...txIds].sort());
      for (const event of seen) expect(event.payload).to.have.property('txId', event.transactionId);
    } finally {
      admin.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('delivers each block exactly once to a checkpointed block listener restarted mid-stream', async function () {
    const admin = await connectAs('hospital1', { 'medrec.role': 'admin', 'medrec.id': freshId('admin') });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'medrec-blocks-'));
    try {
      const client = createMedrecClient(admin.gateway);
      const startBlock = BigInt((await consortium().chainInfo('hospital1')).height);
      for (let i = 0; i < 4; i++) {
        const participantId = freshId('blk');
        await client.registerParticipant({ participantId, role: 'patient', enrollmentId: participantId });
      }
      const endBlock = BigInt((await consortium().chainInfo('hospital1')).height); // exclusive
      const seen: bigint[] = [];
      const options = { checkpointFile: path.join(dir, 'blocks.json'), startBlock };
      let stopFirst: () => void = () => undefined;
      const first = await processBlocks(admin.gateway, options, (_block, n) => {
        seen.push(n);
        if (seen.length === 2) stopFirst();
        return Promise.resolve();
      });
      stopFirst = () => {
        first.close();
      };
      await first.done;
      const second = await processBlocks(admin.gateway, options, (_block, n) => {
        seen.push(n);
        return Promise.resolve();
      });
      await eventually(
        'blocks up to the end seen',
        () => Promise.resolve(seen.at(-1)),
        (n) => n !== undefined && n >= endBlock - 1n,
        30_000,
      );
      second.close();
      await second.done;
      const expected = Array.from({ length: Number(endBlock - startBlock) }, (_, i) => startBlock + BigInt(i));
      expect(seen.filter((n) => n < endBlock)).to.deep.equal(expected);
    } finally {
      admin.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
