// Reads manifest files from disk: refuses what is not a regular file or is too large before
// reading it, then hands the text to the pure loader.
import {readFile, stat} from 'node:fs/promises';
import {loadCanaries, type LoadCanariesOptions, type LoadedCanaries} from '../core/spec/load-canaries.js';
import {MAX_MANIFEST_BYTES, tooLargeMessage} from '../core/spec/load-manifests.js';

export async function readCanaryFile(path: string, opts: LoadCanariesOptions = {}): Promise<LoadedCanaries> {
	const read = await readManifestText(path);
	if ('error' in read) return {canaries: [], errors: [{file: path, path: '(file)', message: read.error}]};
	return loadCanaries(read.text, path, opts);
}

/** A manifest file's text, or why it cannot be read (not a regular file, too large, missing). */
export async function readManifestText(path: string): Promise<{text: string} | {error: string}> {
	try {
		const info = await stat(path);
		if (info.isDirectory()) return {error: 'is a directory, expected a YAML or JSON file'};
		if (!info.isFile()) return {error: 'is not a regular file'};
		if (info.size > MAX_MANIFEST_BYTES) return {error: tooLargeMessage(info.size)};
		return {text: await readFile(path, 'utf8')};
	} catch (error) {
		return {error: describeFsError(error)};
	}
}

function describeFsError(error: unknown): string {
	const code = (error as NodeJS.ErrnoException).code;
	if (code === 'ENOENT') return 'file not found';
	if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
	if (code === 'ENOTDIR') return 'file not found (a parent of the path is not a directory)';
	return `cannot read file: ${(error as Error).message}`;
}
