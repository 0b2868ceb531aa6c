// Splits a manifest file (multi-document YAML, or JSON, which is YAML) into plain JS values.
import {parseAllDocuments} from 'yaml';

/** Files larger than this are refused before parsing. */
export const MAX_MANIFEST_BYTES = 8 * 1024 * 1024;

export type ManifestDocument = {
	/** 1-based position of the document in the file, counting empty documents too. */
	index: number;
	value: unknown;
};

export type ManifestError = {
	/** Absent when the whole file is refused. */
	document?: number;
	line?: number;
	column?: number;
	message: string;
};

export type LoadedManifests = {
	documents: ManifestDocument[];
	errors: ManifestError[];
	/** Number of documents in the file, including empty and broken ones. */
	count: number;
};

export function loadManifests(text: string): LoadedManifests {
	const size = Buffer.byteLength(text, 'utf8');
	if (size > MAX_MANIFEST_BYTES) {
		return {documents: [], errors: [{message: tooLargeMessage(size)}], count: 0};
	}
	// YAML 1.1, as kubectl reads manifests: `skipAnalysis: yes` is true there, so it is here.
	// logLevel 'error': the library would print its warnings (e.g. about collection keys, quoting
	// the file's text) on stderr through process.emitWarning.
	const parsed = parseAllDocuments(text.replace(/^\uFEFF/, ''), {version: '1.1', logLevel: 'error'});
	// parseAllDocuments returns an EmptyStream (not an array) for input without documents.
	const streamed = Array.isArray(parsed) ? parsed : [];
	const documents: ManifestDocument[] = [];
	const errors: ManifestError[] = [];
	streamed.forEach((document, position) => {
		const index = position + 1;
		if (document.errors.length) {
			for (const error of document.errors) {
				const at = error.linePos?.[0];
				const reason = explain(error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, ''));
				errors.push({
					document: index,
					...(at ? {line: at.line, column: at.col} : {}),
					message: at ? `YAML syntax error at line ${at.line}, column ${at.col}: ${reason}` : `YAML syntax error: ${reason}`,
				});
			}
			return;
		}
		let value: unknown;
		try {
			value = document.toJS({maxAliasCount: 100}); // bounds "billion laughs" alias expansion
		} catch (error) {
			// Unresolved or excessive aliases only surface when converting.
			errors.push({document: index, message: `YAML error: ${explain((error as Error).message)}`});
			return;
		}
		if (value !== null && value !== undefined) documents.push({index, value});
	});
	return {documents, errors, count: streamed.length};
}

/** The parser recurses per level: thousands of nested [ or { overflow the stack. */
function explain(reason: string): string {
	return reason === 'Maximum call stack size exceeded' ? 'nested too deeply (manifests need a few dozen levels at most)' : reason;
}

export function tooLargeMessage(size: number): string {
	return `file is ${formatMiB(size)}, larger than the ${formatMiB(MAX_MANIFEST_BYTES)} limit; refusing to parse it`;
}

function formatMiB(bytes: number): string {
	const mib = bytes / (1024 * 1024);
	return `${Number.isInteger(mib) ? mib : mib.toFixed(1)} MiB`;
}
