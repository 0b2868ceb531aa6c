// Bundles source/cli.tsx into dist/cli.js (ESM) and the chunks its commands load on demand:
// a bundled CLI starts about twice as fast as plain ESM resolved from node_modules (DESIGN.md §5).
import {build} from 'esbuild';
import {chmod, mkdir, readdir, readFile, rm, stat, writeFile} from 'node:fs/promises';
import {fileURLToPath} from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * An esbuild plugin that replaces one exact piece of a dependency's file, and fails the build
 * when that piece is not there (a new version of the dependency), rather than ship silently.
 */
function patch(name, file, from, to) {
	return {
		name,
		setup(build) {
			build.onLoad({filter: file}, async args => {
				const source = await readFile(args.path, 'utf8');
				if (!source.includes(from)) throw new Error(`${name}: expected "${from}" in ${args.path}; check whether this version still needs the patch`);
				return {contents: source.replace(from, to), loader: 'js'};
			});
		},
	};
}

// Ink 6.8's incremental renderer moves the cursor up one line too few after a frame that ends
// with a newline (every frame shorter than the terminal), so each update lands one row low
// and old lines stay on screen (seen in tmux). Ink 6.8 is the last 6.x; fix the one line here.
const inkIncrementalFix = patch(
	'ink-incremental-fix',
	/ink[\\/]build[\\/]log-update\.js$/,
	'buffer.push(ansiEscapes.cursorUp(previousVisible - 1));',
	"buffer.push(ansiEscapes.cursorUp(previousVisible - (previousOutput.endsWith('\\n') ? 0 : 1)));",
);
// meow evaluates normalize-package-data (semver, spdx licence tables, hosted-git-info) when it
// loads, for `cli.pkg`, which canary-tui never reads: load it on first use instead.
const meowLazyNormalize = patch(
	'meow-lazy-normalize',
	/meow[\\/]build[\\/]dependencies\.js$/,
	'var normalizeExports = requireNormalize();\nconst normalizePackageData = getDefaultExportFromCjs(normalizeExports);',
	'const normalizePackageData = (...args) => getDefaultExportFromCjs(requireNormalize())(...args);',
);
// Yoga decodes its embedded WebAssembly with fetch() on a data: URL when fetch exists, and
// Node's fetch loads undici first (about 70 ms of CPU at every start); atob does the same here.
const yogaNoFetch = patch(
	'yoga-no-fetch',
	/yoga-layout[\\/]dist[\\/]binaries[\\/]yoga-wasm-base64-esm\.js$/,
	'function ya(){return w||"function"!=typeof fetch?',
	'function ya(){return w||"function"!=typeof fetch||ua(H)?',
);
/** esbuild options of the shipped bundle; bench/ builds its harnesses with the same ones. */
export const bundleOptions = {
	bundle: true,
	platform: 'node',
	format: 'esm',
	target: 'node20',
	jsx: 'automatic',
	legalComments: 'none',
	plugins: [inkIncrementalFix, meowLazyNormalize, yogaNoFetch],
	logLevel: 'warning',
	// ink imports react-devtools-core only when DEV is set; keep it out of the bundle.
	alias: {'react-devtools-core': `${root}/scripts/empty-module.mjs`},
	// React's production build: a third of the size of the development one, and no dev checks.
	define: {'process.env.NODE_ENV': '"production"'},
	banner: {
		js: "#!/usr/bin/env node\nimport {createRequire as __createRequire} from 'node:module';const require = __createRequire(import.meta.url);",
	},
};

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildCli();

async function buildCli() {
	await mkdir(`${root}/dist`, {recursive: true});
	const started = Date.now();
	// Commands load on demand (source/cli.tsx); split, so that `demo` never parses or compiles the
	// Kubernetes client and `simulate` never Ink: dist/cli.js plus dist/chunks/*.js.
	await build({...bundleOptions, entryPoints: {cli: `${root}/source/cli.tsx`}, outdir: `${root}/dist`, splitting: true, chunkNames: 'chunks/[name]-[hash]'});
	// Chunk names carry a hash; drop old ones, but not so soon that a CLI started before this build
	// (a test running now) cannot load its chunks any more.
	const chunks = `${root}/dist/chunks`;
	for (const name of await readdir(chunks)) {
		const info = await stat(`${chunks}/${name}`);
		if (info.mtimeMs < started - 10 * 60_000) await rm(`${chunks}/${name}`, {force: true});
	}
	await chmod(`${root}/dist/cli.js`, 0o755);
	// meow reads the version from the nearest package.json, which for the bundle is this one.
	const pkg = JSON.parse(await readFile(`${root}/package.json`, 'utf8'));
	await writeFile(`${root}/dist/package.json`, JSON.stringify({name: pkg.name, version: pkg.version, type: 'module'}) + '\n');
}
