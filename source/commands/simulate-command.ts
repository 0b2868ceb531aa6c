// `canary-tui simulate FILE.yaml [--trace FILE.csv] [--webhook NAME=RESULT]... [--template FILE]... [--output text|json] [-n NS] [--name NAME]`
import {readFile, stat} from 'node:fs/promises';
import {formatSpecError} from '../core/spec/load-canaries.js';
import {readCanaryFile} from '../manifests/read-canary-file.js';
import {getAnalysis} from '../core/spec/defaults.js';
import {kustomizationNamespaceFor} from '../manifests/kustomization.js';
import {MAX_MANIFEST_BYTES, tooLargeMessage} from '../core/spec/load-manifests.js';
import {formatRecord, summary, type OutputFormat} from '../simulate/output.js';
import {simulate} from '../simulate/simulate.js';
import {formatTraceError, parseTrace, type Trace} from '../simulate/trace.js';
import {parseWebhookFlags} from '../simulate/webhook-script.js';
import {readTemplateFiles, type TemplateSet} from '../simulate/template-files.js';
import {exitCodes, type CommandIO} from './io.js';

export type SimulateFlags = {
	trace?: string;
	webhook: string[];
	template?: string[];
	output: string;
	namespace?: string;
	name?: string;
	meshProvider?: string;
	start?: string;
};

export async function simulateCommand(files: string[], flags: SimulateFlags, io: CommandIO): Promise<number> {
	const bad = (message: string) => {
		io.stderr(message);
		return exitCodes.badInput;
	};
	if (files.length !== 1) return bad(`simulate: expected one canary file (simulate FILE.yaml), got ${files.length}`);
	if (flags.output !== 'text' && flags.output !== 'json') return bad(`--output: expected text or json, got "${flags.output}"`);
	const start = flags.start === undefined ? 0 : Date.parse(flags.start);
	if (Number.isNaN(start)) return bad(`--start: expected an RFC 3339 time such as 2020-11-14T12:03:39Z, got "${flags.start}"`);

	const file = files[0]!;
	const namespace = flags.namespace ?? (await kustomizationNamespaceFor(file));
	const loaded = await readCanaryFile(file, {namespace});
	if (loaded.errors.length > 0) {
		for (const error of loaded.errors) io.stderr(formatSpecError(error));
		return exitCodes.badInput;
	}
	const candidates = flags.name ? loaded.canaries.filter(c => c.metadata.name === flags.name) : loaded.canaries;
	if (candidates.length === 0) {
		return bad(flags.name ? `${file}: no Canary named "${flags.name}" (found: ${loaded.canaries.map(c => c.metadata.name).join(', ') || 'none'})` : `${file}: no Canary (kind: Canary, apiVersion: flagger.app/v1beta1) found`);
	}
	if (candidates.length > 1) {
		return bad(`${file}: ${candidates.length} canaries (${candidates.map(c => c.metadata.name).join(', ')}): pick one with --name`);
	}
	const canary = candidates[0]!;

	let trace: Trace | undefined;
	if (flags.trace) {
		const read = await readTrace(flags.trace);
		if (typeof read === 'string') return bad(read);
		trace = read;
	}
	const webhooks = parseWebhookFlags(flags.webhook, getAnalysis(canary).webhooks ?? []);
	if (webhooks.errors.length > 0) {
		for (const error of webhooks.errors) io.stderr(error);
		return exitCodes.badInput;
	}

	let templates: TemplateSet | undefined;
	if (flags.template?.length) {
		const read = await readTemplateFiles(flags.template, file, flags.namespace);
		if (read.errors.length > 0) {
			for (const error of read.errors) io.stderr(error);
			return exitCodes.badInput;
		}
		templates = read.templates;
	}

	const result = simulate(canary, {trace, webhooks: webhooks.script, meshProvider: flags.meshProvider, templates});
	for (const record of result.records) io.stdout(formatRecord(record, flags.output, start));
	io.stderr(summary(result));
	if (result.outcome === 'Succeeded') return exitCodes.ok;
	if (result.outcome === 'Failed') return exitCodes.failed;
	return exitCodes.timedOut;
}

async function readTrace(file: string): Promise<Trace | string> {
	try {
		const info = await stat(file);
		if (!info.isFile()) return `${file}: (file): expected a CSV file`;
		if (info.size > MAX_MANIFEST_BYTES) return `${file}: (file): ${tooLargeMessage(info.size)}`;
		const parsed = parseTrace(await readFile(file, 'utf8'), file);
		if (parsed.errors.length > 0) return parsed.errors.map(formatTraceError).join('\n');
		return parsed.trace!;
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		return `${file}: (file): ${code === 'ENOENT' ? 'file not found' : (error as Error).message}`;
	}
}
