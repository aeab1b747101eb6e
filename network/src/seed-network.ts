import { Listr } from 'listr2';
import { createCustodian, openRecordStore, type Custodian, type RecordStore } from '@medrec/gatekeeper';
import {
  ChaincodeError,
  type GatewayConnection,
  type MedrecClient,
  type SyntheticDataSet,
  type SyntheticRecord,
  type Wallet,
  createMedrecClient,
  generateSyntheticData,
} from '@medrec/sdk';
import { mapBounded } from './bounded-pool';
import { untilDiscoverySettles } from './discovery-retry';
import type { FabricAccess } from './fabric-access';
import { recordStoreConfig } from './gatekeeper-process';
import { peerOf, type PeerOrgKey } from './topology';
import { connectUser, openOrgWallet, provisionUser, type ProvisionedUser } from './user-provisioning';

export interface SeedOptions {
  readonly seed: number;
  readonly patients: number;
  readonly clinicians: number;
  readonly recordsPerPatient: number;
  /** Weeks of weekly serum iron per patient, 0-104 (SyntheticDataOptions.ironWeeks); absent or 0: none. */
  readonly ironWeeks?: number;
  /** Last day of the last iron week, YYYY-MM-DD (SyntheticDataOptions.ironEndDate). */
  readonly ironEndDate?: string;
  /** CA and ledger calls in flight at once; defaults to 8. */
  readonly concurrency?: number;
  readonly renderer?: 'default' | 'simple' | 'silent';
}

export interface SeedSummary {
  readonly patients: number;
  readonly clinicians: number;
  readonly records: number;
}

// The synthetic data set is the default consortium's: its records are held by hospital1 and hospital2.
const CUSTODIANS: readonly PeerOrgKey[] = ['hospital1', 'hospital2'];

/**
 * Calls at once. Every submit waits for its block (BatchTimeout 500 ms), so throughput grows with it; 8 keeps the
 * CAs, the peers and the gatekeeper stores of a laptop network comfortable.
 */
const DEFAULT_CONCURRENCY = 8;

function isCustodian(org: string): org is PeerOrgKey {
  return CUSTODIANS.includes(org);
}

/** What every step needs per organisation, opened once for the whole run. */
interface OrgAccess {
  /** The organisation's admin, which registers its participants and admits patients. */
  readonly registrar: MedrecClient;
  readonly wallet: Wallet;
}

/**
 * Seeds the running network with deterministic synthetic data: the same seed gives the same patients, clinicians
 * and records (real ICD-10-CM, LOINC, RxNorm and CVX codes). Re-running with the same seed and options changes nothing.
 *
 * Patients, then clinicians, then records are processed a few at a time (`concurrency`); each patient's own steps
 * stay in order. That keeps re-runs idempotent: the CA, wallet and ledger steps of one participant or record never
 * run twice at once, and the chaincode gives every participant and record keys of its own, so concurrent
 * transactions do not conflict.
 */
export async function seedNetwork(consortium: FabricAccess, options: Readonly<SeedOptions>): Promise<SeedSummary> {
  const data = generateSyntheticData({
    seed: options.seed,
    patients: options.patients,
    clinicians: options.clinicians,
    recordsPerPatient: options.recordsPerPatient,
    organisations: CUSTODIANS,
    ...(options.ironWeeks === undefined ? {} : { ironWeeks: options.ironWeeks }),
    ...(options.ironEndDate === undefined ? {} : { ironEndDate: options.ironEndDate }),
  });
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  const records = data.records.filter((r) => isCustodian(r.custodian));
  const custodiansOf = custodiansByPatient(records);
  const admins = new Map<PeerOrgKey, GatewayConnection>();
  // One connection per clinician for the whole run, opened at their first record.
  const clinicianConnections = new Map<string, MedrecClient>();
  const openConnections: GatewayConnection[] = [];
  const clinicians = new Map<string, ProvisionedUser>();
  try {
    const orgs = new Map<PeerOrgKey, OrgAccess>();
    for (const org of CUSTODIANS) {
      const admin = consortium.connectAdmin(org);
      admins.set(org, admin);
      // One wallet per organisation: it derives its key once, not once per user.
      orgs.set(org, { registrar: createMedrecClient(admin.gateway), wallet: await openOrgWallet(consortium, org) });
    }
    const access = (org: PeerOrgKey): OrgAccess => {
      const found = orgs.get(org);
      if (!found) throw new Error(`no admin connection for ${org}`);
      return found;
    };
    const clinicianClient = (clinician: ProvisionedUser): MedrecClient => {
      let client = clinicianConnections.get(clinician.participantId);
      if (client === undefined) {
        const connection = connectUser(consortium, clinician.org, clinician.identity);
        openConnections.push(connection);
        client = createMedrecClient(connection.gateway);
        clinicianConnections.set(clinician.participantId, client);
      }
      return client;
    };
    await new Listr(
      [
        {
          title: `Patients (${data.patients.length}) registered at their home hospital's CA and on the ledger`,
          task: async (_ctx, task) => {
            let done = 0;
            await mapBounded(data.patients, concurrency, async (patient) => {
              const custodians = custodiansOf.get(patient.participantId) ?? [];
              // Home: where the ledger already has the patient (a re-run, even with other options), else the
              // custodian of their first record, else hospital1.
              const org =
                (await registeredCustodian(consortium, access('hospital1').registrar, patient.participantId)) ??
                custodians[0] ??
                'hospital1';
              const { registrar, wallet } = access(org);
              await provisionUser(
                consortium,
                { org, role: 'patient', participantId: patient.participantId },
                registrar,
                wallet,
              );
              // Registration admits the patient at home; every other custodian of theirs admits them too.
              for (const custodian of custodians) {
                if (custodian !== org) await admitWhenVisible(access(custodian).registrar, patient.participantId);
              }
              task.output = `${++done}/${data.patients.length}`;
            });
          },
        },
        {
          title: `Clinicians (${data.clinicians.length})`,
          task: async (_ctx, task) => {
            let done = 0;
            const ours = data.clinicians.flatMap((c) =>
              isCustodian(c.organisation) ? [{ ...c, org: c.organisation }] : [],
            );
            await mapBounded(ours, concurrency, async (clinician) => {
              const { org } = clinician;
              const { registrar, wallet } = access(org);
              const user = await provisionUser(
                consortium,
                { org, role: 'clinician', participantId: clinician.participantId },
                registrar,
                wallet,
              );
              clinicians.set(clinician.participantId, user);
              task.output = `${++done}/${data.clinicians.length}`;
            });
          },
        },
        {
          title: `Records (${records.length}) stored at their custodian's gatekeeper and registered on chain`,
          task: async (_ctx, task) => {
            let done = 0;
            const stores: RecordStore[] = [];
            try {
              const custodians = new Map<PeerOrgKey, Custodian>();
              for (const org of CUSTODIANS) {
                const store = await openRecordStore(
                  recordStoreConfig(consortium.layout, peerOf(consortium.topology, org)),
                );
                stores.push(store);
                custodians.set(org, createCustodian({ store, mspId: orgMspId(consortium, org) }));
                await storeDemographics(store, data, org);
              }
              await mapBounded(records, concurrency, async (record) => {
                const clinician = clinicians.get(record.clinicianId);
                const custodian = isCustodian(record.custodian) ? custodians.get(record.custodian) : undefined;
                if (clinician?.org !== record.custodian || !custodian) {
                  throw new Error(
                    `record ${record.recordId} names ${record.clinicianId}, not a clinician of its custodian ${record.custodian}`,
                  );
                }
                await custodian.storeAndRegister(clinicianClient(clinician), record.resource, {
                  recordId: record.recordId,
                  authorId: clinician.participantId,
                });
                task.output = `${++done}/${records.length}`;
              });
            } finally {
              // mapBounded has let every call in flight settle, so nothing still uses a store.
              for (const store of stores) await store.close();
            }
          },
        },
      ],
      { renderer: options.renderer ?? 'default', fallbackRenderer: 'simple', exitOnError: true },
    ).run();
  } finally {
    for (const connection of openConnections) connection.close();
    for (const connection of admins.values()) connection.close();
  }
  return { patients: data.patients.length, clinicians: clinicians.size, records: records.length };
}

/** Each patient's custodians, in the order of their records (the first is their home). */
function custodiansByPatient(records: readonly SyntheticRecord[]): Map<string, PeerOrgKey[]> {
  const byPatient = new Map<string, PeerOrgKey[]>();
  for (const record of records) {
    if (!isCustodian(record.custodian)) continue;
    const custodians = byPatient.get(record.patientId) ?? [];
    if (!custodians.includes(record.custodian)) custodians.push(record.custodian);
    byPatient.set(record.patientId, custodians);
  }
  return byPatient;
}

/**
 * The custodian the ledger has the participant registered at, if any. A patient keeps the home of their first
 * registration: registering them elsewhere would be a conflicting participant (and a stray CA identity).
 */
async function registeredCustodian(
  consortium: FabricAccess,
  client: MedrecClient,
  participantId: string,
): Promise<PeerOrgKey | undefined> {
  try {
    const participant = await untilDiscoverySettles(() => client.getParticipant(participantId));
    const org = consortium.topology.organisations.find((o) => o.mspId === participant.mspId)?.key;
    return org !== undefined && isCustodian(org) ? org : undefined;
  } catch (err) {
    if (err instanceof ChaincodeError && err.code === 'MEDREC_NOT_FOUND') return undefined;
    throw err;
  }
}

function orgMspId(consortium: FabricAccess, org: PeerOrgKey): string {
  const found = consortium.topology.organisations.find((o) => o.key === org);
  if (!found) throw new Error(`unknown organisation ${org}`);
  return found.mspId;
}

/**
 * Admits a patient registered a moment ago through another organisation's peer. That registration is committed, but
 * the endorsing peers of this organisation may not have its block yet and answer that the patient is not registered
 * (MEDREC_INVALID_ARGUMENT): asked again a few times, at most about 5 s, before that answer stands.
 */
async function admitWhenVisible(registrar: MedrecClient, patientId: string): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await registrar.admitPatient(patientId);
      return;
    } catch (err) {
      if (!(err instanceof ChaincodeError) || err.code !== 'MEDREC_INVALID_ARGUMENT' || attempt >= 10) throw err;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

/**
 * What the custodian's registration desk knows of each patient it holds records for: birth date and sex, in its
 * own store only (the age band and sex strata of trend queries; never on the ledger).
 */
async function storeDemographics(store: RecordStore, data: SyntheticDataSet, org: PeerOrgKey): Promise<void> {
  const held = new Set(data.records.filter((r) => r.custodian === org).map((r) => r.patientId));
  for (const patient of data.patients) {
    if (!held.has(patient.participantId)) continue;
    const { birthDate, gender } = patient.resource;
    await store.putDemographics({
      patientId: patient.participantId,
      birthDate,
      sex: gender === 'female' || gender === 'male' || gender === 'other' ? gender : undefined,
    });
  }
}
