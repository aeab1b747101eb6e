import net from 'node:net';
import type { X509Certificate } from 'node:crypto';

/**
 * Does a TLS certificate name this host, as its IP address or as a DNS name? An IP address is matched only against
 * the certificate's IP entries and a name only against its DNS entries (checkIP throws on a name, so it must not
 * be asked about one).
 */
export function certificateNamesHost(cert: X509Certificate, host: string): boolean {
  return net.isIP(host) === 0 ? cert.checkHost(host) !== undefined : cert.checkIP(host) !== undefined;
}
