import { HyperMeshError } from '../util/errors.ts'

export class InvalidAssetTypeError extends HyperMeshError {
  constructor (type: string) {
    super(`"${type}" is not a valid asset type`, { hint: 'Asset types are PascalCase identifiers such as "Container"' })
  }
}

export class AssetTypeAlreadyRegisteredError extends HyperMeshError {
  constructor (type: string, owner: string) {
    super(`Asset type "${type}" already has a handler from "${owner}"`, { hint: 'Unload the extension that provides it first' })
  }
}

export class NoAssetHandlerError extends HyperMeshError {
  constructor (type: string) {
    super(`No handler is registered for asset type "${type}"`, { hint: 'Load an extension that provides this asset type' })
  }
}

export class AssetNotFoundError extends HyperMeshError {
  constructor (id: string) {
    super(`Asset ${id} does not exist`)
  }
}

export class AssetOperationNotSupportedError extends HyperMeshError {
  constructor (type: string, operation: string) {
    super(`Asset type "${type}" has no operation "${operation}"`)
  }
}

export class AssetManagerClosedError extends HyperMeshError {
  constructor () {
    super('The asset manager is closed')
  }
}
