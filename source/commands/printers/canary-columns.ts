// `kubectl get canary` columns: NAME (NAMESPACE first with -A) and the additionalPrinterColumns
// of deploy/crds/canaries.yaml, the `priority: 1` ones only with `-o wide`. Cells read like the
// API server's table converter prints them: strings as they are, numbers, booleans and lists
// as JSON, nothing when the field is missing.
import type {KubeObject} from '../../kube/objects.js';
import {sanitize} from '../../text/sanitize.js';

type Column = {name: string; path: string[]; wide: boolean};

export const canaryColumns: readonly Column[] = [
	{name: 'STATUS', path: ['status', 'phase'], wide: false},
	{name: 'WEIGHT', path: ['status', 'canaryWeight'], wide: false},
	{name: 'SUSPENDED', path: ['spec', 'suspend'], wide: true},
	{name: 'FAILEDCHECKS', path: ['status', 'failedChecks'], wide: true},
	{name: 'INTERVAL', path: ['spec', 'analysis', 'interval'], wide: true},
	{name: 'MIRROR', path: ['spec', 'analysis', 'mirror'], wide: true},
	{name: 'STEPWEIGHT', path: ['spec', 'analysis', 'stepWeight'], wide: true},
	{name: 'STEPWEIGHTS', path: ['spec', 'analysis', 'stepWeights'], wide: true},
	{name: 'MAXWEIGHT', path: ['spec', 'analysis', 'maxWeight'], wide: true},
	{name: 'LASTTRANSITIONTIME', path: ['status', 'lastTransitionTime'], wide: false},
];

export type TableOptions = {wide: boolean; allNamespaces: boolean};

function cell(value: unknown): string {
	if (value === undefined || value === null) return '';
	return typeof value === 'string' ? value : JSON.stringify(value);
}

function at(object: unknown, path: string[]): unknown {
	let value = object;
	for (const key of path) value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
	return value;
}

const shown = (options: TableOptions) => canaryColumns.filter(column => options.wide || !column.wide);

export function canaryHeader(options: TableOptions): string[] {
	return [...(options.allNamespaces ? ['NAMESPACE'] : []), 'NAME', ...shown(options).map(column => column.name)];
}

export function canaryRow(canary: KubeObject, options: TableOptions): string[] {
	// Status is written by anyone with access: no escape sequence reaches the terminal.
	return [...(options.allNamespaces ? [canary.metadata.namespace ?? ''] : []), canary.metadata.name, ...shown(options).map(column => sanitize(cell(at(canary, column.path))))];
}
