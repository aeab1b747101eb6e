import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import { invalidArgument } from '../common/errors';
import { toJson } from '../common/marshal';

/**
 * Liveness probe for operators: proves end to end that a transaction can be endorsed, ordered and committed,
 * and shows which identity attributes the chaincode sees. Holds no PHI: only the caller's MSP and the probe id.
 */
@Info({ title: 'Health', description: 'Network liveness probes and caller identity' })
export class HealthContract extends Contract {
  constructor() {
    super('Health');
  }

  /** Writes a heartbeat keyed by a caller-chosen probe id; read it back with GetHeartbeat on any peer. */
  @Transaction()
  @Returns('string')
  public async Heartbeat(ctx: Context, probeId: string): Promise<string> {
    assertProbeId(probeId);
    const key = ctx.stub.createCompositeKey('health~heartbeat', [probeId]);
    const seconds = ctx.stub.getTxTimestamp().seconds;
    const value = toJson({
      probeId,
      mspId: ctx.clientIdentity.getMSPID(),
      txId: ctx.stub.getTxID(),
      time: new Date(Number(seconds) * 1000).toISOString(),
    });
    await ctx.stub.putState(key, Buffer.from(value, 'utf8'));
    return value;
  }

  @Transaction(false)
  @Returns('string')
  public async GetHeartbeat(ctx: Context, probeId: string): Promise<string> {
    assertProbeId(probeId);
    const bytes = await ctx.stub.getState(ctx.stub.createCompositeKey('health~heartbeat', [probeId]));
    return bytes.length === 0 ? '' : Buffer.from(bytes).toString('utf8');
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

const PROBE_ID = /^[A-Za-z0-9._-]{1,64}$/;

function assertProbeId(probeId: string): void {
  if (!PROBE_ID.test(probeId)) {
    throw invalidArgument('probeId: must be 1-64 characters of A-Z a-z 0-9 . _ -');
  }
}
