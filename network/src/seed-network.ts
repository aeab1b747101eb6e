import { Listr } from 'listr2';
import { createCustodian, openRecordStore } from '@medrec/gatekeeper';
import { type GatewayConnection, createMedrecClient, generateSyntheticData } from '@medrec/sdk';
import type { FabricAccess } from './fabric-access';
import { recordStoreConfig } from './gatekeeper-process';
import { peerOf, type PeerOrgKey } from './topology';
import { connectUser, provisionUser, type ProvisionedUser } from './user-provisioning';

export interface SeedOptions {
  readonly seed: number;
  readonly patients: number;
  readonly clinicians: number;
  readonly recordsPerPatient: number;
  readonly renderer?: 'default' | 'simple' | 'silent';
}

export interface SeedSummary {
  readonly patients: number;
  readonly clinicians: number;
  readonly records: number;
}

const CUSTODIANS: readonly PeerOrgKey[] = ['hospital1', 'hospital2'];

function isCustodian(org: string): org is PeerOrgKey {
  return (CUSTODIANS as readonly string[]).includes(org);
}

/**
 * Seeds the running network with deterministic synthetic data: the same seed gives the same patients, clinicians
 * and records (real ICD-10-CM, LOINC, RxNorm and CVX codes). Re-running with the same seed changes nothing.
 */
export async function seedNetwork(consortium: FabricAccess, options: Readonly<SeedOptions>): Promise<SeedSummary> {
  const data = generateSyntheticData({
    seed: options.seed,
    patients: options.patients,
    clinicians: options.clinicians,
    recordsPerPatient: options.recordsPerPatient,
    organisations: CUSTODIANS,
  });
  const admins = new Map<PeerOrgKey, GatewayConnection>(CUSTODIANS.map((org) => [org, consortium.connectAdmin(org)]));
  const admin = (org: PeerOrgKey): GatewayConnection => {
    const connection = admins.get(org);
    if (!connection) throw new Error(`no admin connection for ${org}`);
    return connection;
  };
  // Each patient's home organisation: the custodian of their first record (hospital1 if they have none).
  const homeOf = (patientId: string): PeerOrgKey => {
    const custodian = data.records.find((r) => r.patientId === patientId)?.custodian ?? 'hospital1';
    return isCustodian(custodian) ? custodian : 'hospital1';
  };
  const clinicians = new Map<string, ProvisionedUser>();
  try {
    await new Listr(
      [
        {
          title: `Patients (${data.patients.length}) registered at their home hospital's CA and on the ledger`,
          task: async (_ctx, task) => {
            let done = 0;
            for (const patient of data.patients) {
              const org = homeOf(patient.participantId);
              await provisionUser(
                consortium,
                { org, role: 'patient', participantId: patient.participantId },
                createMedrecClient(admin(org).gateway),
              );
              // Registration admits the patient at home; every other custodian of theirs admits them too.
              const custodians = new Set(
                data.records.filter((r) => r.patientId === patient.participantId).map((r) => r.custodian),
              );
              for (const custodian of custodians) {
                if (isCustodian(custodian) && custodian !== org) {
                  await createMedrecClient(admin(custodian).gateway).admitPatient(patient.participantId);
                }
              }
              task.output = `${++done}/${data.patients.length}`;
            }
          },
        },
        {
          title: `Clinicians (${data.clinicians.length})`,
          task: async (_ctx, task) => {
            let done = 0;
            for (const clinician of data.clinicians) {
              if (!isCustodian(clinician.organisation)) continue;
              const org = clinician.organisation;
              const user = await provisionUser(
                consortium,
                { org, role: 'clinician', participantId: clinician.participantId },
                createMedrecClient(admin(org).gateway),
              );
              clinicians.set(clinician.participantId, user);
              task.output = `${++done}/${data.clinicians.length}`;
            }
          },
        },
        {
          title: `Records (${data.records.length}) stored at their custodian's gatekeeper and registered on chain`,
          task: async (_ctx, task) => {
            let done = 0;
            for (const org of CUSTODIANS) {
              const store = await openRecordStore(
                recordStoreConfig(consortium.layout, peerOf(consortium.topology, org)),
              );
              try {
                const custodian = createCustodian({ store, mspId: orgMspId(consortium, org) });
                for (const record of data.records.filter((r) => r.custodian === org)) {
                  const clinician = clinicians.get(record.clinicianId);
                  if (!clinician)
                    throw new Error(`record ${record.recordId} names unknown clinician ${record.clinicianId}`);
                  const connection = connectUser(consortium, org, clinician.identity);
                  try {
                    await custodian.storeAndRegister(createMedrecClient(connection.gateway), record.resource, {
                      recordId: record.recordId,
                      authorId: clinician.participantId,
                    });
                  } finally {
                    connection.close();
                  }
                  task.output = `${++done}/${data.records.length}`;
                }
              } finally {
                await store.close();
              }
            }
          },
        },
      ],
      { renderer: options.renderer ?? 'default', fallbackRenderer: 'simple', exitOnError: true },
    ).run();
  } finally {
    for (const connection of admins.values()) connection.close();
  }
  return { patients: data.patients.length, clinicians: clinicians.size, records: data.records.length };
}

function orgMspId(consortium: FabricAccess, org: PeerOrgKey): string {
  const found = consortium.topology.organisations.find((o) => o.key === org);
  if (!found) throw new Error(`unknown organisation ${org}`);
  return found.mspId;
}
