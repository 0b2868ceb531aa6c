// `canary-tui get` prints what `kubectl get canary` prints: the CRD's printer columns, the wide
// ones with -o wide, NAMESPACE first with -A, kubectl's column spacing, and -o json|yaml Lists.
import fs from 'node:fs';
import YAML from 'yaml';
import {describe, expect, it} from 'vitest';
import {canaryColumns, canaryHeader, canaryRow} from '../../source/commands/printers/canary-columns.js';
import {formatObjects} from '../../source/commands/printers/objects.js';
import {columnWidths, layoutRow, layoutTable} from '../../source/commands/printers/table.js';
import type {KubeObject} from '../../source/kube/objects.js';

const canary = (name: string, spec: Record<string, unknown>, status?: Record<string, unknown>): KubeObject => ({
	apiVersion: 'flagger.app/v1beta1',
	kind: 'Canary',
	metadata: {name, namespace: 'cv-probe', managedFields: [{manager: 'kubectl'}]} as KubeObject['metadata'],
	spec: {targetRef: {apiVersion: 'apps/v1', kind: 'Deployment', name}, ...spec},
	...(status ? {status} : {}),
});

const canaries = [
	canary('other', {suspend: false, analysis: {interval: '1m', threshold: 2, iterations: 3}}),
	canary('podinfo', {analysis: {interval: '10s', threshold: 2, stepWeights: [5, 10], maxWeight: 50, mirror: true}}, {phase: 'Progressing', canaryWeight: 10, failedChecks: 1, lastTransitionTime: '2026-11-26T16:00:00Z'}),
	canary('third', {analysis: {interval: '10s', threshold: 2, stepWeight: 5, maxWeight: 50.5}}),
];

const table = (wide: boolean, allNamespaces: boolean) => {
	const options = {wide, allNamespaces};
	return layoutTable([canaryHeader(options), ...canaries.map(c => canaryRow(c, options))]).lines;
};

describe('the canary table', () => {
	it('has the columns of our CRD (deploy/crds/canaries.yaml), the priority 1 ones for -o wide only', () => {
		const crd = YAML.parse(fs.readFileSync(new URL('../../deploy/crds/canaries.yaml', import.meta.url), 'utf8'));
		const printed = crd.spec.versions.find((version: any) => version.name === 'v1beta1').additionalPrinterColumns;
		expect(canaryColumns.map(column => ({name: column.name, path: `.${column.path.join('.')}`, wide: column.wide}))).toEqual(
			printed.map((column: any) => ({name: column.name.toUpperCase(), path: column.jsonPath, wide: column.priority === 1})),
		);
	});

	// Captured from `kubectl get canary -n cv-probe [-o wide] [-A]` (kubectl 1.36) on these objects.
	it('matches kubectl byte for byte, trailing blanks included', () => {
		expect(table(false, false)).toEqual([
			'NAME      STATUS        WEIGHT   LASTTRANSITIONTIME',
			'other                            ',
			'podinfo   Progressing   10       2026-11-26T16:00:00Z',
			'third                            ',
		]);
		expect(table(true, false)).toEqual([
			'NAME      STATUS        WEIGHT   SUSPENDED   FAILEDCHECKS   INTERVAL   MIRROR   STEPWEIGHT   STEPWEIGHTS   MAXWEIGHT   LASTTRANSITIONTIME',
			'other                            false                      1m                                                         ',
			'podinfo   Progressing   10                   1              10s        true                  [5,10]        50          2026-11-26T16:00:00Z',
			'third                                                       10s                 5                          50.5        ',
		]);
		expect(table(false, true)).toEqual([
			'NAMESPACE   NAME      STATUS        WEIGHT   LASTTRANSITIONTIME',
			'cv-probe    other                            ',
			'cv-probe    podinfo   Progressing   10       2026-11-26T16:00:00Z',
			'cv-probe    third                            ',
		]);
	});

	it('keeps watched rows aligned with the table, widening a column only when a cell needs it', () => {
		const options = {wide: false, allNamespaces: false};
		const {widths} = layoutTable([canaryHeader(options), canaryRow(canaries[1]!, options)]);
		const promoted = canaryRow(canary('podinfo', {}, {phase: 'Succeeded', canaryWeight: 0, lastTransitionTime: '2026-11-26T16:05:00Z'}), options);
		expect(layoutRow(promoted, columnWidths([promoted], widths))).toBe('podinfo   Succeeded     0        2026-11-26T16:05:00Z');
		const long = canaryRow(canary('a-much-longer-name', {}, {phase: 'WaitingPromotion'}), options);
		expect(layoutRow(long, columnWidths([long], widths))).toBe('a-much-longer-name   WaitingPromotion            ');
	});
});

describe('-o json and -o yaml', () => {
	it('prints one object as itself and several as a v1 List, keys sorted, without managedFields', () => {
		const one = JSON.parse(formatObjects(canaries[1]!, 'json'));
		expect(one.kind).toBe('Canary');
		expect(one.metadata).toEqual({name: 'podinfo', namespace: 'cv-probe'});
		const list = formatObjects(canaries, 'json');
		expect(Object.keys(JSON.parse(list))).toEqual(['apiVersion', 'items', 'kind', 'metadata']);
		expect(JSON.parse(list)).toMatchObject({apiVersion: 'v1', kind: 'List', metadata: {resourceVersion: ''}});
		expect(JSON.parse(list).items.map((item: KubeObject) => item.metadata.name)).toEqual(['other', 'podinfo', 'third']);
		expect(list.split('\n')[1]).toBe('    "apiVersion": "v1",');
	});

	it('writes YAML as kubectl does: unindented lists, timestamps and y/n quoted, and parses back', () => {
		const text = formatObjects({...canaries[1]!, status: {...canaries[1]!.status, lastPromotedSpec: 'y'}}, 'yaml');
		expect(text).toContain('    stepWeights:\n    - 5\n    - 10\n');
		expect(text).toContain('lastTransitionTime: "2026-11-26T16:00:00Z"');
		expect(text).toContain('lastPromotedSpec: "y"');
		expect(YAML.parse(text).status.lastPromotedSpec).toBe('y');
	});
});
