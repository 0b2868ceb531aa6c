// `canary-tui get [NAME] [-n NS | -A] [-w] [-o table|wide|json|yaml]`: canaries as
// `kubectl get canary` prints them; with -w, then one line per change (no screen clearing)
// until Ctrl-C, SIGTERM or a closed stdout.
import {KubeStore} from '../kube/kube-store.js';
import type {KubeObject, WatchEvent} from '../kube/objects.js';
import {exitCodes, type CommandIO} from './io.js';
import {atMostOneName, choiceOf, explained, openScope, watchScope, type Scope, type VerbFlags} from './kube-verb.js';
import {canaryHeader, canaryRow, type TableOptions} from './printers/canary-columns.js';
import {formatObjects} from './printers/objects.js';
import {columnWidths, layoutRow, layoutTable} from './printers/table.js';
import {untilSignal} from './until-signal.js';

export type GetFlags = VerbFlags & {output?: string; watch?: boolean};

const outputs = ['table', 'wide', 'json', 'yaml'] as const;
type Output = (typeof outputs)[number];

export async function getCommand(args: string[], flags: GetFlags, io: CommandIO, signals: NodeJS.Process = process): Promise<number> {
	const output = choiceOf('--output', flags.output, outputs, 'table', io);
	if (output === undefined || !atMostOneName('get', args, io)) return exitCodes.badInput;
	const name = args[0];
	const scope = await openScope(flags, io);
	if (typeof scope === 'number') return scope;
	return explained(scope, io, () => (flags.watch ? watchCanaries(scope, name, output, io, signals) : printCanaries(scope, name, output, io)));
}

const tableOptions = (scope: Scope, output: Output): TableOptions => ({wide: output === 'wide', allNamespaces: scope.namespace === undefined});

async function printCanaries(scope: Scope, name: string | undefined, output: Output, io: CommandIO): Promise<number> {
	const store = new KubeStore({kc: scope.connection.kc});
	try {
		if (name !== undefined) {
			const canary = scope.namespace === undefined ? undefined : await store.get('Canary', scope.namespace, name);
			const found = canary ? [canary] : scope.namespace === undefined ? (await store.list('Canary')).filter(c => c.metadata.name === name) : [];
			if (found.length === 0) return notFound(name, scope, io);
			print(found.length === 1 ? found[0]! : found, scope, output, io);
			return exitCodes.ok;
		}
		const canaries = await store.list('Canary', scope.namespace);
		if (canaries.length === 0 && (output === 'table' || output === 'wide')) io.stderr(noneFound(scope));
		else print(canaries, scope, output, io);
		return exitCodes.ok;
	} finally {
		store.close();
	}
}

function print(value: KubeObject | KubeObject[], scope: Scope, output: Output, io: CommandIO): void {
	if (output === 'json' || output === 'yaml') return io.stdout(formatObjects(value, output));
	const options = tableOptions(scope, output);
	const rows = (Array.isArray(value) ? value : [value]).map(canary => canaryRow(canary, options));
	for (const line of layoutTable([canaryHeader(options), ...rows]).lines) io.stdout(line);
}

async function watchCanaries(scope: Scope, name: string | undefined, output: Output, io: CommandIO, signals: NodeJS.Process): Promise<number> {
	const options = tableOptions(scope, output);
	const wanted = (object: KubeObject) => name === undefined || object.metadata.name === name;
	const lastRow = new Map<string, string>();
	let widths: number[] = [];
	let ready = false;
	const printRow = (object: KubeObject, type: WatchEvent['type']) => {
		const key = `${object.metadata.namespace}/${object.metadata.name}`;
		if (output === 'json' || output === 'yaml') {
			io.stdout(output === 'yaml' ? `---\n${formatObjects(object, output)}` : formatObjects(object, output));
			return;
		}
		const row = canaryRow(object, options);
		const text = row.join('\t');
		// A write that changes nothing the row shows (an annotation, a status write that keeps
		// the same values) is not a change for the reader; a deletion always is.
		if (type !== 'DELETED' && lastRow.get(key) === text) return;
		if (type === 'DELETED') lastRow.delete(key);
		else lastRow.set(key, text);
		widths = columnWidths([row], widths);
		io.stdout(layoutRow(row, widths));
	};
	const {stopped, dispose} = untilSignal(signals);
	const store = await watchScope(
		scope,
		['Canary'],
		event => {
			if (ready && wanted(event.object)) printRow(event.object, event.type);
		},
		io.stderr,
	);
	try {
		const canaries = store.cached('Canary', scope.namespace).filter(wanted);
		if (name !== undefined && canaries.length === 0 && scope.namespace !== undefined) return notFound(name, scope, io);
		if (output === 'table' || output === 'wide') {
			const rows = canaries.map(canary => canaryRow(canary, options));
			const table = layoutTable([canaryHeader(options), ...rows]);
			if (canaries.length === 0) io.stderr(noneFound(scope));
			else for (const line of table.lines) io.stdout(line);
			widths = table.widths;
			canaries.forEach((canary, index) => lastRow.set(`${canary.metadata.namespace}/${canary.metadata.name}`, rows[index]!.join('\t')));
		} else {
			for (const canary of canaries) printRow(canary, 'ADDED');
		}
		ready = true;
		await stopped;
		return exitCodes.ok;
	} finally {
		dispose();
		await store.close();
	}
}

function notFound(name: string, scope: Scope, io: CommandIO): number {
	io.stderr(`canary-tui: canary "${name}" not found ${scope.namespace === undefined ? 'in any namespace' : `in namespace "${scope.namespace}"`}`);
	return exitCodes.badInput;
}

const noneFound = (scope: Scope) => (scope.namespace === undefined ? 'No resources found' : `No resources found in ${scope.namespace} namespace.`);
