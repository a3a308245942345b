import type { KeyObject } from 'node:crypto'
import { signPackage } from '../trust/index.ts'
import type { TrustCertificate } from '../trust/index.ts'
import { RECORD_PAYLOAD_TYPE } from './constants.ts'
import { encodeRecordBody, encodeRecordEnvelope } from './record.ts'
import type { RecordBody } from './record.ts'

export interface SignRecordParams {
  body: RecordBody
  /** The publisher's private key (Ed25519). */
  key: KeyObject
  /** Publisher certificate first, then intermediates; the anchor may be left out. */
  chain: TrustCertificate[]
}

/** Signs a record body as a DSSE envelope and returns the DHT value (its canonical JSON). */
export function signRecord (params: SignRecordParams): Uint8Array {
  const payload = encodeRecordBody(params.body)
  const envelope = signPackage({ bytes: payload, key: params.key, chain: params.chain, payloadType: RECORD_PAYLOAD_TYPE })
  return encodeRecordEnvelope(envelope)
}
