// Fails loudly when a script runs on a Node.js older than the one HyperMesh needs.
// libp2p v3 uses Promise.withResolvers and friends, missing before Node 22; running on an
// older Node does not fail cleanly, it fails deep inside a dependency, so we stop here first.
const [major, minor] = process.versions.node.split('.').map(Number)
if (major < 22 || (major === 22 && minor < 12)) {
  process.stderr.write(
    `hypermesh: Node.js >= 22.12 is required, this is ${process.version} (${process.execPath}).\n` +
    'hint: run through npm (`npm test`, `npm run mesh`), which uses the pinned Node from node_modules/.bin,\n' +
    '      or put node_modules/.bin first on your PATH.\n')
  process.exit(1)
}
