/**
 * The package format: the manifest schema and its one canonical encoding and digest, content
 * addressing (BLAKE3 CIDs), and pack/unpack between a directory and the chunk store. No network.
 * The wire and byte-level formats are specified in protocols/stoq/SPEC.md.
 */
export {
  CAPABILITIES, DEFAULT_CHUNK_SIZE, MIN_CHUNK_SIZE, MAX_CHUNK_SIZE, MAX_MANIFEST_BYTES, MAX_PATH_LENGTH,
  FILE_TYPE_REGULAR, FILE_TYPE_SYMLINK,
  manifestSchema, fileEntrySchema, parseManifest, canonicalManifestBytes, decodeManifestBytes,
  manifestCid, manifestDigest, isSafeRelativePath, isValidMode, InvalidManifestError
} from './manifest.ts'
export type { Manifest, FileEntry, Capability } from './manifest.ts'
export {
  BLAKE3_CODE, BLAKE3_LENGTH, RAW_CODEC, CBOR_CODEC, JSON_CODEC,
  blake3Hash, byteLength, cidOf, cidFromHash, isHyperMeshCid, verifyBytes, tryParseCid, CID
} from './content-id.ts'
export {
  ROOT_OBJECT_VERSION, MAX_ROOT_OBJECT_BYTES, InvalidRootObjectError,
  chunkCount, chunkLength, chunkCidAt, encodeRootObject, decodeRootObject, rootCidOf
} from './root-object.ts'
export type { RootObject, DecodeRootOptions } from './root-object.ts'
export { pack, packEntries } from './pack.ts'
export type { PackOptions, PackResult, PackMeta, PackProgress } from './pack.ts'
export type { PackEntry } from './walk.ts'
export { unpack } from './unpack.ts'
export type { UnpackOptions, UnpackProgress } from './unpack.ts'
export * from './errors.ts'
