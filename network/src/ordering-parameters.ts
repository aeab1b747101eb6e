/**
 * The ordering service's batching parameters: how long an orderer waits before cutting a block (BatchTimeout) and
 * how many transactions fill one (MaxMessageCount). The genesis block takes DEFAULT_ORDERING; a running channel
 * changes them by a configuration update signed by the orderer organisations' admins. docs/benchmarks.md has the
 * measured curves the defaults come from.
 */
import { at, type ChannelConfigJson, type ConfigMutation } from './channel-update';

export interface OrderingParameters {
  /** A Go duration as Fabric writes it: "250ms", "1s". */
  readonly batchTimeout: string;
  readonly maxMessageCount: number;
}

export const DEFAULT_ORDERING: OrderingParameters = { batchTimeout: '500ms', maxMessageCount: 100 };

const BATCH_TIMEOUT_MS = { min: 10, max: 10_000 };
const MAX_MESSAGE_COUNT = { min: 1, max: 10_000 };

/** "250ms" or "2s" to milliseconds; undefined for anything else (Fabric accepts more, this project does not). */
export function durationMs(text: string): number | undefined {
  const match = /^([1-9]\d{0,5})(ms|s)$/.exec(text);
  if (match === null) return undefined;
  return Number(match[1]) * (match[2] === 's' ? 1000 : 1);
}

/** Refuses values that would stall or flood the ordering service, saying which range is allowed. */
export function checkOrderingParameters(parameters: Partial<OrderingParameters>): void {
  if (parameters.batchTimeout !== undefined) {
    const ms = durationMs(parameters.batchTimeout);
    if (ms === undefined || ms < BATCH_TIMEOUT_MS.min || ms > BATCH_TIMEOUT_MS.max) {
      throw new Error(
        `batch timeout ${parameters.batchTimeout} is not a duration from ${String(BATCH_TIMEOUT_MS.min)}ms to ` +
          `${String(BATCH_TIMEOUT_MS.max / 1000)}s written like 250ms or 1s`,
      );
    }
  }
  const count = parameters.maxMessageCount;
  if (
    count !== undefined &&
    (!Number.isInteger(count) || count < MAX_MESSAGE_COUNT.min || count > MAX_MESSAGE_COUNT.max)
  ) {
    throw new Error(
      `max message count ${String(count)} is not a whole number from ${String(MAX_MESSAGE_COUNT.min)} to ` +
        String(MAX_MESSAGE_COUNT.max),
    );
  }
}

const ORDERER_VALUES = ['channel_group', 'groups', 'Orderer', 'values'] as const;

/** The batching parameters a decoded channel config holds. */
export function orderingParametersOf(config: ChannelConfigJson): OrderingParameters {
  const batchTimeout = at(config, [...ORDERER_VALUES, 'BatchTimeout', 'value', 'timeout']);
  const maxMessageCount = at(config, [...ORDERER_VALUES, 'BatchSize', 'value', 'max_message_count']);
  if (typeof batchTimeout !== 'string' || typeof maxMessageCount !== 'number') {
    throw new Error('the channel config has no Orderer BatchTimeout / BatchSize values; is this a channel config?');
  }
  return { batchTimeout, maxMessageCount };
}

/** The mutation that sets the given parameters (the others are left as they are). */
export function withOrderingParameters(parameters: Partial<OrderingParameters>): ConfigMutation {
  checkOrderingParameters(parameters);
  return (config) => {
    orderingParametersOf(config); // refuses a config without the values before touching it
    const value = (name: string): Record<string, unknown> =>
      at(config, [...ORDERER_VALUES, name, 'value']) as Record<string, unknown>;
    if (parameters.batchTimeout !== undefined) value('BatchTimeout').timeout = parameters.batchTimeout;
    if (parameters.maxMessageCount !== undefined) value('BatchSize').max_message_count = parameters.maxMessageCount;
  };
}
