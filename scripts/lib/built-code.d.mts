/** 'dist' when `root`/dist is built and up to date with `root`/src, else 'src'. */
export function builtCodeDir (root: string): 'dist' | 'src'
