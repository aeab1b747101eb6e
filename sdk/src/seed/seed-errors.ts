/** Errors raised by the synthetic data generator. */

export class InvalidSeedOptionError extends Error {
  readonly code = 'SEED_INVALID_OPTION';
  readonly option: string;

  constructor(properties: Readonly<{ option: string; message: string }>) {
    super(properties.message);
    this.name = 'InvalidSeedOptionError';
    this.option = properties.option;
  }
}
