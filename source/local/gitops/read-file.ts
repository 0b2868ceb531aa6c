// Reads a manifest file of a watched folder, refusing what is not a regular file or too large.
import {readFile, stat} from 'node:fs/promises';
import {MAX_MANIFEST_BYTES, tooLargeMessage} from '../../core/spec/load-manifests.js';

export type ReadResult = {text: string} | {error: string};

export async function readManifestFile(path: string, shown: string): Promise<ReadResult> {
	try {
		const info = await stat(path);
		if (info.isDirectory()) return {error: `${shown} is a folder, expected a YAML file`};
		if (!info.isFile()) return {error: `${shown} is not a regular file`};
		if (info.size > MAX_MANIFEST_BYTES) return {error: `${shown}: ${tooLargeMessage(info.size)}`};
		return {text: await readFile(path, 'utf8')};
	} catch (error) {
		return {error: describeFsError(error, shown)};
	}
}

function describeFsError(error: unknown, shown: string): string {
	const code = (error as NodeJS.ErrnoException).code;
	if (code === 'ENOENT' || code === 'ENOTDIR') return `file ${shown} not found in the folder`;
	if (code === 'EACCES' || code === 'EPERM') return `permission denied reading ${shown}`;
	return `cannot read ${shown}: ${(error as Error).message}`;
}
