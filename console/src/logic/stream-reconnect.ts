/**
 * Whether to reconnect after the server ended the notification stream: it ends for good when the caller lost the
 * right to it (consent or delegation gone), and asks the client to reconnect with Last-Event-ID when its own event
 * source failed (api/src/use-cases/patients.ts words both).
 */
export function shouldReconnect(reason: string): boolean {
  return /reconnect/i.test(reason);
}
