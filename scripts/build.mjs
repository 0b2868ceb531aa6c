// Bundles source/cli.tsx into one ESM file: a bundled CLI starts about twice as fast as
// plain ESM resolved from node_modules (DESIGN.md §5).
import {build} from 'esbuild';
import {chmod, mkdir, readFile, writeFile} from 'node:fs/promises';
import {fileURLToPath} from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
await mkdir(`${root}/dist`, {recursive: true});

// Ink 6.8's incremental renderer moves the cursor up one line too few after a frame that ends
// with a newline (every frame shorter than the terminal), so each update lands one row low
// and old lines stay on screen (seen in tmux). Ink 6.8 is the last 6.x; fix the one line here
// and fail the build if it is not there, rather than ship the bug silently.
const buggy = 'buffer.push(ansiEscapes.cursorUp(previousVisible - 1));';
const fixed = "buffer.push(ansiEscapes.cursorUp(previousVisible - (previousOutput.endsWith('\\n') ? 0 : 1)));";
const inkIncrementalFix = {
	name: 'ink-incremental-fix',
	setup(build) {
		build.onLoad({filter: /ink[\\/]build[\\/]log-update\.js$/}, async args => {
			const source = await readFile(args.path, 'utf8');
			if (!source.includes(buggy)) throw new Error(`ink-incremental-fix: expected "${buggy}" in ${args.path}; check whether this Ink version still needs the fix`);
			return {contents: source.replace(buggy, fixed), loader: 'js'};
		});
	},
};
await build({
	entryPoints: [`${root}/source/cli.tsx`],
	outfile: `${root}/dist/cli.js`,
	bundle: true,
	platform: 'node',
	format: 'esm',
	target: 'node20',
	jsx: 'automatic',
	legalComments: 'none',
	plugins: [inkIncrementalFix],
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
