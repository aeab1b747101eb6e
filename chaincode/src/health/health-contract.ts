import { createHash } from 'node:crypto';
import { Context, Info, Param, Returns, Transaction } from 'fabric-contract-api';
import { parseArg } from '../common/args';
import { certIdentity } from '../common/caller';
import { forbidden } from '../common/errors';
import { toJson, unmarshal } from '../common/marshal';
import { MedRecContract } from '../common/medrec-contract';
import { mspIdSchema, heartbeatSchema, probeIdSchema, type Heartbeat } from '@medrec/contract';
import { writeState } from '../common/state';
import { txTime } from '../common/time';

/**
 * Heartbeats live in at most HEARTBEAT_SLOTS keys per organisation: `medrec.heartbeat [slot, mspId]`, slot =
 * the first four bytes of SHA-256(probeId) modulo HEARTBEAT_SLOTS, as three hex digits. A new probe id whose slot
 * is taken overwrites the older heartbeat there, so no caller can grow state without bound. A heartbeat is a blind
 * write (it reads no key), so concurrent heartbeats never fail MVCC validation; two probes in flight land in the
 * same slot with probability 1/1024, and then the later one wins and the earlier one reads back as ''.
 */
export const HEARTBEAT_SLOTS = 1024;
export const HEARTBEAT_KEY = 'medrec.heartbeat';
/** The certificate role of operators, the only callers of Heartbeat. */
export const OPERATOR_ROLE = 'admin';
/** One heartbeat key per organisation and slot: a slot holds at most as many entries as the channel has MSPs. */
const MAX_SLOT_ENTRIES = 256;

/** The slot of a probe id: three lowercase hex digits, 000-3ff. */
export function heartbeatSlot(probeId: string): string {
  const digest = createHash('sha256').update(probeId, 'utf8').digest();
  return (digest.readUInt32BE(0) % HEARTBEAT_SLOTS).toString(16).padStart(3, '0');
}

/**
 * Liveness probe for operators: proves end to end that a transaction can be endorsed, ordered and committed,
 * and shows which identity attributes the chaincode sees. Holds no PHI: only the operator's MSP, id and the probe id.
 */
@Info({ title: 'Health', description: 'Network liveness probes and caller identity' })
export class HealthContract extends MedRecContract {
  public constructor() {
    super('Health');
  }

  /**
   * Writes a heartbeat for a caller-chosen probe id; read it back with GetHeartbeat on any peer. Operators only
   * (a certificate with medrec.role=admin and a medrec.id); bounded state instead of an audit event, so a heartbeat
   * is never a claimable business transaction either.
   */
  @Transaction()
  @Param('probeId', 'string', '1-64 characters of A-Z a-z 0-9 . _ -')
  @Returns('string')
  public async Heartbeat(ctx: Context, probeId: string): Promise<string> {
    const { mspId, role, participantId } = certIdentity(ctx);
    if (role !== OPERATOR_ROLE || participantId === null) {
      throw forbidden(
        'Health:Heartbeat is for operators: sign with a certificate carrying medrec.role=admin and a medrec.id',
      );
    }
    if (!mspIdSchema.safeParse(mspId).success) {
      throw forbidden(`the caller's MSP id ${JSON.stringify(mspId)} is not a valid MedRec MSP id`);
    }
    const id = parseArg(probeIdSchema, probeId, 'probeId');
    const heartbeat: Heartbeat = {
      probeId: id,
      mspId,
      participantId,
      txId: ctx.stub.getTxID(),
      time: txTime(ctx).iso,
    };
    await writeState(ctx, ctx.stub.createCompositeKey(HEARTBEAT_KEY, [heartbeatSlot(id), mspId]), heartbeat);
    return toJson(heartbeat);
  }

  /** The heartbeat of this probe id, from any organisation; '' if none, or if a later probe took its slot. */
  @Transaction(false)
  @Param('probeId', 'string', '1-64 characters of A-Z a-z 0-9 . _ -')
  @Returns('string')
  public async GetHeartbeat(ctx: Context, probeId: string): Promise<string> {
    const id = parseArg(probeIdSchema, probeId, 'probeId');
    const iterator = await ctx.stub.getStateByPartialCompositeKey(HEARTBEAT_KEY, [heartbeatSlot(id)]);
    let latest: Heartbeat | undefined;
    try {
      for (let read = 0; read < MAX_SLOT_ENTRIES; read += 1) {
        const next = await iterator.next();
        if (next.done) {
          break;
        }
        const heartbeat = unmarshal(next.value.value, heartbeatSchema, 'heartbeat');
        if (heartbeat.probeId === id && (latest === undefined || isLater(heartbeat, latest))) {
          latest = heartbeat;
        }
      }
    } finally {
      await iterator.close();
    }
    return latest === undefined ? '' : toJson(latest);
  }

  /** The identity this chaincode sees for the caller: MSP id and the MedRec attributes its CA put in the certificate. */
  @Transaction(false)
  @Returns('string')
  public Identity(ctx: Context): Promise<string> {
    const id = ctx.clientIdentity;
    return Promise.resolve(
      toJson({
        mspId: id.getMSPID(),
        role: id.getAttributeValue('medrec.role'),
        participantId: id.getAttributeValue('medrec.id'),
      }),
    );
  }
}

/** Two organisations that used the same probe id: the later heartbeat (time, then transaction id) wins. */
function isLater(a: Heartbeat, b: Heartbeat): boolean {
  return a.time !== b.time ? a.time > b.time : a.txId > b.txId;
}
