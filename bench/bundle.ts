// Bundles a bench harness with the shipped bundle's esbuild options (scripts/build.mjs), so a
// harness runs the same code as dist/cli.js: production React, the same patches, no tsx.
import {mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import type {BuildOptions} from 'esbuild';

export async function bundleHarness(entry: string): Promise<string> {
	const {build} = await import('esbuild');
	// A computed specifier: scripts/build.mjs is plain JS without types.
	const {bundleOptions} = (await import(new URL('../scripts/build.mjs', import.meta.url).href)) as {bundleOptions: BuildOptions};
	const outfile = join(mkdtempSync(join(tmpdir(), 'canary-tui-bench-')), 'harness.mjs');
	await build({...bundleOptions, entryPoints: [entry], outfile});
	return outfile;
}
