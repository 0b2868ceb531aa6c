// Query templating (§6.4): the functions of Flagger's MetricTemplateModel with Go
// text/template semantics for the forms queries use, and Go's error texts.
import {describe, expect, it} from 'vitest';
import {renderQuery, templateModel} from '../../source/core/metrics/query-template.js';
import type {Canary} from '../../source/core/spec/types.js';

const canary = {
	apiVersion: 'flagger.app/v1beta1',
	kind: 'Canary',
	metadata: {name: 'podinfo-canary', namespace: 'apps'},
	spec: {
		targetRef: {apiVersion: 'apps/v1', kind: 'Deployment', name: 'podinfo'},
		ingressRef: {apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', name: 'web'},
		service: {port: 9898, name: 'frontend'},
		analysis: {interval: '1m', stepWeight: 5},
	},
} as Canary;

const model = templateModel(canary, '2m', {direction: 'inbound', code: '5.*'});
const render = (template: string) => renderQuery(template, model);

describe('query templates', () => {
	it('fills every function of the model', () => {
		expect(render('{{ name }} {{ namespace }} {{ target }} {{ service }} {{ ingress }} {{ route }} {{ interval }}')).toEqual({ok: true, query: 'podinfo-canary apps podinfo frontend web podinfo 2m'});
	});

	it('service, ingress and route default to the target', () => {
		const plain = templateModel({...canary, spec: {...canary.spec, ingressRef: undefined, service: {port: 9898}}} as Canary, '1m');
		expect(renderQuery('{{service}}/{{ingress}}/{{route}}', plain)).toEqual({ok: true, query: 'podinfo/podinfo/podinfo'});
	});

	it('{{ variables.KEY }} reads templateVariables', () => {
		expect(render('sum(rate(requests{direction="{{ variables.direction }}",code=~"{{variables.code}}"}[{{ interval }}]))')).toEqual({
			ok: true,
			query: 'sum(rate(requests{direction="inbound",code=~"5.*"}[2m]))',
		});
	});

	it('a missing variable is an error naming it (missingkey=error), as Go words it', () => {
		expect(render('sum(x{a="{{ variables.direction }}", b="{{ variables.region }}"})')).toEqual({
			ok: false,
			error: 'template excution failed: template: tmpl:1:43: executing "tmpl" at <variables>: map has no entry for key "region"',
		});
		expect(renderQuery('x\n  {{ variables.env }}', templateModel(canary, '1m'))).toEqual({
			ok: false,
			error: 'template excution failed: template: tmpl:2:5: executing "tmpl" at <variables>: map has no entry for key "env"',
		});
	});

	it('trim markers and comments behave as in Go', () => {
		expect(render('a  {{- target -}}  b')).toEqual({ok: true, query: 'apodinfob'});
		expect(render('{{/* the canary }} */}}up{ns="{{ namespace }}"}')).toEqual({ok: true, query: 'up{ns="apps"}'});
		expect(render('{{-3}}')).toMatchObject({ok: false});
	});

	it('text without actions is left as written', () => {
		expect(render('sum(up) by (job) > 0')).toEqual({ok: true, query: 'sum(up) by (job) > 0'});
	});

	it('parse errors: unknown functions, unclosed or empty actions, and forms canary-tui does not run', () => {
		expect(render('{{ canary }}')).toEqual({ok: false, error: 'template parsing failed: template: tmpl:1: function "canary" not defined'});
		expect(render('up{ns="{{ namespace"}')).toEqual({ok: false, error: 'template parsing failed: template: tmpl:1: unclosed action'});
		expect(render('{{ }}')).toEqual({ok: false, error: 'template parsing failed: template: tmpl:1: missing value for command'});
		const pipe = render('{{ namespace | printf "%s" }}');
		expect(pipe.ok).toBe(false);
		expect(!pipe.ok && pipe.error).toContain('canary-tui does not support {{ namespace | printf "%s" }}');
	});

	it('execution errors: fields of a string, fields of the nil data', () => {
		expect(render('{{ target.name }}')).toEqual({ok: false, error: 'template excution failed: template: tmpl:1:3: executing "tmpl" at <target>: can\'t evaluate field name in type string'});
		expect(render('{{ .Namespace }}')).toEqual({ok: false, error: 'template excution failed: template: tmpl:1:3: executing "tmpl" at <.Namespace>: nil data; no entry for key "Namespace"'});
	});
});
