/** The root of every MedRec error. It imports none of its families, so that each family can import it. */

/** Per-peer detail of a failure, as the gateway reported it. */
export interface PeerErrorDetail {
  readonly address: string;
  readonly mspId: string;
  readonly message: string;
}

export interface MedRecErrorOptions {
  readonly transactionId?: string | undefined;
  readonly details?: readonly PeerErrorDetail[] | undefined;
  readonly cause?: unknown;
}

/**
 * The root of every error the SDK throws (as fabric-gateway's GatewayError is of its own): callers branch on `code`,
 * a closed union per family, never on message text. `transactionId` is set when a transaction was assigned one;
 * `details` holds the per-peer reports of a gateway failure (empty otherwise); `cause` is the error underneath.
 * Each family extends it with its own closed union as `Code` (the SDK's families make up SdkErrorCode, errors.ts); a
 * package built on the SDK (the gatekeeper service) roots its families here too, with codes of its own.
 */
export abstract class MedRecError<Code extends string = string> extends Error {
  abstract readonly code: Code;
  readonly transactionId: string | undefined;
  readonly details: readonly PeerErrorDetail[];

  constructor(message: string, options: Readonly<MedRecErrorOptions> = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    // Every subclass is named after itself without repeating it (instances print as "ChaincodeError: ...").
    this.name = new.target.name;
    this.transactionId = options.transactionId;
    this.details = options.details ?? [];
  }
}
