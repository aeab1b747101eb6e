/**
 * The attributes a Fabric CA writes into an enrolment certificate: extension 1.2.3.4.5.6.7.8.1 whose value is the
 * JSON `{"attrs": {...}}` (fabric-ca lib/attrmgr; read the same way by fabric-shim's ClientIdentity).
 */
import type { X509Certificate } from 'node:crypto';
import * as asn1js from 'asn1js';

const FABRIC_ATTRIBUTES_OID = '1.2.3.4.5.6.7.8.1';

function extensionsOf(der: Uint8Array): asn1js.Sequence[] {
  const parsed = asn1js.fromBER(der);
  if (parsed.offset === -1 || !(parsed.result instanceof asn1js.Sequence)) return [];
  const [tbs] = parsed.result.valueBlock.value;
  if (!(tbs instanceof asn1js.Sequence)) return [];
  // Extensions are the [3] explicitly tagged element of TBSCertificate (RFC 5280 section 4.1).
  const tagged = tbs.valueBlock.value.find(
    (element) => element.idBlock.tagClass === 3 && element.idBlock.tagNumber === 3,
  );
  if (!(tagged instanceof asn1js.Constructed)) return [];
  const [list] = tagged.valueBlock.value;
  if (!(list instanceof asn1js.Sequence)) return [];
  return list.valueBlock.value.filter((e): e is asn1js.Sequence => e instanceof asn1js.Sequence);
}

/** The Fabric CA attributes of a certificate; empty when it has none or they are not JSON. */
export function fabricCertificateAttributes(certificate: X509Certificate): Readonly<Record<string, string>> {
  for (const extension of extensionsOf(certificate.raw)) {
    const [oid, ...rest] = extension.valueBlock.value;
    if (!(oid instanceof asn1js.ObjectIdentifier) || oid.valueBlock.toString() !== FABRIC_ATTRIBUTES_OID) continue;
    const value = rest.at(-1);
    if (!(value instanceof asn1js.OctetString)) return {};
    try {
      const json = JSON.parse(Buffer.from(value.valueBlock.valueHexView).toString('utf8')) as { attrs?: unknown };
      if (typeof json.attrs !== 'object' || json.attrs === null) return {};
      return Object.fromEntries(
        Object.entries(json.attrs).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
      );
    } catch {
      return {};
    }
  }
  return {};
}
