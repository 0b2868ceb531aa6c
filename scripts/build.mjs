// Bundles source/cli.tsx into one ESM file: a bundled CLI starts about twice as fast as
// plain ESM resolved from node_modules (DESIGN.md §5).
import {build} from 'esbuild';
import {chmod, mkdir, readFile, writeFile} from 'node:fs/promises';
import {fileURLToPath} from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
await mkdir(`${root}/dist`, {recursive: true});
await build({
	entryPoints: [`${root}/source/cli.tsx`],
	outfile: `${root}/dist/cli.js`,
	bundle: true,
	platform: 'node',
	format: 'esm',
	target: 'node20',
	jsx: 'automatic',
	legalComments: 'none',
	logLevel: 'warning',
	// ink imports react-devtools-core only when DEV is set; keep it out of the bundle.
	alias: {'react-devtools-core': `${root}/scripts/empty-module.mjs`},
	banner: {
		js: "#!/usr/bin/env node\nimport {createRequire as __createRequire} from 'node:module';const require = __createRequire(import.meta.url);",
	},
});
await chmod(`${root}/dist/cli.js`, 0o755);
// meow reads the version from the nearest package.json, which for the bundle is this one.
const pkg = JSON.parse(await readFile(`${root}/package.json`, 'utf8'));
await writeFile(`${root}/dist/package.json`, JSON.stringify({name: pkg.name, version: pkg.version, type: 'module'}) + '\n');
