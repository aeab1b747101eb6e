import type { Gateway } from '@hyperledger/fabric-gateway';
import {
  createGatewayQscc,
  createLedgerAuditEventSource,
  createPrivateKeyManifestSigner,
  createQsccBlockSource,
  createQsccProofSource,
  verifyExportText,
  writeAuditExport,
  type MedrecClient,
  type Wallet,
} from '@medrec/sdk';
import type { AuditExporter, UserContext } from '../ports';
import { UnknownIdentityError } from './wallet-ledger-gateway';

export interface WalletAuditExporterOptions {
  /** The organisation's wallet: the manifest is signed with the caller's own key from it. */
  readonly wallet: Wallet;
  /** The caller's gateway and MedRec client (the wallet ledger gateway provides both). */
  readonly ledger: {
    clientFor(user: UserContext): Promise<MedrecClient>;
    gatewayFor(user: UserContext): Promise<Gateway>;
  };
  readonly channel?: string;
  readonly chaincode?: string;
}

/**
 * The audit export as the caller: the ledger's audit queries and qscc are read with the caller's identity, and the
 * manifest is signed with the caller's own key. Verification reads blocks through qscc as the caller and takes the CA
 * roots from the ledger's organisation records (Registrar ListOrganisations, caRootCertsPem).
 */
export function createWalletAuditExporter(options: Readonly<WalletAuditExporterOptions>): AuditExporter {
  const channel = options.channel ?? 'medrec';
  return {
    async export(request) {
      const { user } = request;
      const identity = await options.wallet.get(user.enrollmentId);
      if (identity?.mspId !== user.mspId) throw new UnknownIdentityError(user);
      const client = await options.ledger.clientFor(user);
      const qscc = createGatewayQscc(await options.ledger.gatewayFor(user), channel);
      return writeAuditExport({
        source: createLedgerAuditEventSource(client),
        proofs: createQsccProofSource(qscc),
        ledgerHeight: () => qscc.getHeight(),
        filters: request.filters,
        format: request.format,
        sink: request.sink,
        signer: createPrivateKeyManifestSigner(identity.privateKey, identity.certificate),
        generatedBy: { participantId: user.participantId, mspId: user.mspId },
        channel,
        fhirDetails: client,
      });
    },

    async verify(user, request) {
      const client = await options.ledger.clientFor(user);
      const caRoots: Record<string, string[]> = {};
      let bookmark = '';
      do {
        const page = await client.listOrganisations({ pageSize: 100, bookmark });
        for (const org of page.items) caRoots[org.mspId] = [...org.caRootCertsPem];
        bookmark = page.bookmark;
      } while (bookmark !== '');
      const qscc = createGatewayQscc(await options.ledger.gatewayFor(user), channel);
      return verifyExportText(
        request.text,
        {
          blocks: createQsccBlockSource(qscc),
          trust: {
            kind: 'ledger',
            caRoots,
            participants: client,
            source: createLedgerAuditEventSource(client),
            proofs: createQsccProofSource(qscc),
          },
          ...(options.chaincode === undefined ? {} : { chaincode: options.chaincode }),
        },
        {
          format: request.format,
          ...(request.manifestText === undefined ? {} : { manifestText: request.manifestText }),
        },
      );
    },
  };
}
