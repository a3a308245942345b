/** Tests start daemons the same way the local mesh script does. */
export * from '../../scripts/lib/daemon-process.ts'
