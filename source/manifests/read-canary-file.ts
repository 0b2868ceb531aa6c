// Reads manifest files from disk: refuses what is not a regular file or is too large before
// reading it, then hands the text to the pure loader.
import {readFile, stat} from 'node:fs/promises';
import {loadCanaries, type LoadCanariesOptions, type LoadedCanaries} from '../core/spec/load-canaries.js';
import {MAX_MANIFEST_BYTES, tooLargeMessage} from '../core/spec/load-manifests.js';

export async function readCanaryFile(path: string, opts: LoadCanariesOptions = {}): Promise<LoadedCanaries> {
	const refuse = (message: string): LoadedCanaries => ({canaries: [], errors: [{file: path, path: '(file)', message}]});
	let text: string;
	try {
		const info = await stat(path);
		if (info.isDirectory()) return refuse('is a directory, expected a YAML or JSON file');
		if (!info.isFile()) return refuse('is not a regular file');
		if (info.size > MAX_MANIFEST_BYTES) return refuse(tooLargeMessage(info.size));
		text = await readFile(path, 'utf8');
	} catch (error) {
		return refuse(describeFsError(error));
	}
	return loadCanaries(text, path, opts);
}

function describeFsError(error: unknown): string {
	const code = (error as NodeJS.ErrnoException).code;
	if (code === 'ENOENT') return 'file not found';
	if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
	if (code === 'ENOTDIR') return 'file not found (a parent of the path is not a directory)';
	return `cannot read file: ${(error as Error).message}`;
}
