import fs from 'node:fs';

const RANGE_FILE = '/proc/sys/net/ipv4/ip_local_port_range';
const SPAN = 1000; // every port of the network lies in [base, base + 1000)

/**
 * The kernel hands out local ports from this range to outgoing connections; a listener there can find its port taken
 * by an unrelated connection at any restart (EADDRINUSE). Returns undefined where the range cannot be read.
 */
export function ephemeralPortRange(): readonly [number, number] | undefined {
  try {
    const [low, high] = fs.readFileSync(RANGE_FILE, 'utf8').trim().split(/\s+/).map(Number);
    return low !== undefined && high !== undefined && Number.isSafeInteger(low) && Number.isSafeInteger(high)
      ? [low, high]
      : undefined;
  } catch {
    return undefined;
  }
}

export function assertOutsideEphemeralRange(portBase: number, range: readonly [number, number] | undefined): void {
  if (range === undefined) return;
  const [low, high] = range;
  if (portBase + SPAN > low && portBase <= high) {
    throw new Error(
      `MEDREC_PORT_BASE=${portBase} puts the network's ports (${portBase}-${portBase + SPAN - 1}) inside the kernel's ` +
        `ephemeral port range ${low}-${high}, where outgoing connections can take them; choose a base below ${low - SPAN} ` +
        `(default 27000) or above ${high}`,
    );
  }
}
