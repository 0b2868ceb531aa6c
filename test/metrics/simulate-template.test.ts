// `simulate --template FILE`: MetricTemplates for a canary's templateRef metrics, fed by the
// trace column named after the metric, through the command as a user runs it.
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {simulateCommand} from '../../source/commands/simulate-command.js';

const dir = mkdtempSync(join(tmpdir(), 'canary-tui-template-'));
afterAll(() => rmSync(dir, {recursive: true, force: true}));

function file(name: string, text: string): string {
	const path = join(dir, name);
	writeFileSync(path, text);
	return path;
}

const canaryYaml = (metric: string) => `apiVersion: flagger.app/v1beta1
kind: Canary
metadata:
  name: podinfo
  namespace: apps
spec:
  targetRef: {apiVersion: apps/v1, kind: Deployment, name: podinfo}
  service: {port: 9898}
  analysis:
    interval: 30s
    threshold: 2
    maxWeight: 20
    stepWeight: 10
    metrics:
${metric}
`;

const errorRateMetric = `      - name: error-rate
        templateRef: {name: error-rate}
        templateVariables: {code: "5.*"}
        thresholdRange: {max: 1}`;

const templateYaml = (provider = 'prometheus', query = 'sum(rate(requests{ns="{{ namespace }}",code=~"{{ variables.code }}"}[1m]))') => `apiVersion: flagger.app/v1beta1
kind: MetricTemplate
metadata:
  name: error-rate
  namespace: apps
spec:
  provider:
    type: ${provider}
    address: http://prometheus.monitoring:9090
  query: |
    ${query}
`;

async function run(args: string[], flags: {template?: string[]; trace?: string}) {
	const stdout: string[] = [];
	const stderr: string[] = [];
	const code = await simulateCommand(args, {webhook: [], output: 'text', ...flags}, {stdout: line => stdout.push(line), stderr: line => stderr.push(line)});
	return {code, stdout, stderr};
}

describe('simulate --template', () => {
	const canary = file('canary.yaml', canaryYaml(errorRateMetric));
	const template = file('error-rate.yaml', templateYaml());

	it('a trace column named after the template metric feeds it: the release rolls back on its values', async () => {
		const trace = file('errors.csv', 'time,error-rate\n0,0.2\n30s,3.5\n');
		const result = await run([canary], {template: [template], trace});
		expect(result.stdout).toEqual([
			'New revision detected! Scaling up podinfo.apps',
			'Starting canary analysis for podinfo.apps',
			'Advance podinfo.apps canary weight 10',
			'Halt podinfo.apps advancement error-rate 3.50 > 1',
			'Halt podinfo.apps advancement error-rate 3.50 > 1',
			'Rolling back podinfo.apps failed checks threshold reached 2',
			'Canary failed! Scaling down podinfo.apps',
		]);
		expect(result.code).toBe(1);
	});

	it('healthy without a trace; no-data cells are Flagger\'s "no values found for custom metric"', async () => {
		expect((await run([canary], {template: [template]})).code).toBe(0);
		const trace = file('gap.csv', 'time,error-rate\n0,\n');
		const result = await run([canary], {template: [template], trace});
		expect(result.stdout).toContain('Halt advancement no values found for custom metric: error-rate: no values found');
	});

	it('a template the canary names but no file defines: Flagger\'s lookup error on every check, then the rollback', async () => {
		const other = file('other.yaml', templateYaml().replace('name: error-rate', 'name: latency'));
		const result = await run([canary], {template: [other]});
		expect(result.stdout.filter(line => line.startsWith('Metric template'))).toEqual([
			'Metric template error-rate.apps error: metrictemplate.flagger.app "error-rate" not found',
			'Metric template error-rate.apps error: metrictemplate.flagger.app "error-rate" not found',
		]);
		expect(result.code).toBe(1);
	});

	it('a variable the query needs and the canary does not give: the render error names it', async () => {
		const needsRegion = file('region.yaml', templateYaml('prometheus', 'sum(requests{region="{{ variables.region }}"})'));
		const result = await run([canary], {template: [needsRegion]});
		expect(result.stdout).toContain('Metric template error-rate.apps query render error: template excution failed: template: tmpl:1:24: executing "tmpl" at <variables>: map has no entry for key "region"');
		expect(result.code).toBe(1);
	});

	it('MetricTemplates in the canary\'s own file count too', async () => {
		const both = file('both.yaml', `${canaryYaml(errorRateMetric)}---\n${templateYaml()}`);
		const onlyOther = file('latency.yaml', templateYaml().replace('name: error-rate', 'name: latency'));
		expect((await run([both], {template: [onlyOther]})).code).toBe(0);
	});

	it('bad template files are exit 2, naming file and field, before anything runs', async () => {
		const cases: Array<[string, string]> = [
			[templateYaml().replace('  query: |\n', '  querry: |\n'), 'spec.querry: unknown field "spec.querry"'],
			[templateYaml().replace('    type: prometheus\n', ''), 'spec.provider.type: required field is missing'],
			[templateYaml('datadog'), 'spec.provider.type: provider type "datadog" is not supported by canary-tui: only prometheus MetricTemplates can be queried'],
			[templateYaml('graphit'), 'spec.provider.type: expected one of'],
			['kind: MetricTemplate\napiVersion: flagger.app/v1beta1\nmetadata: {name: x}\nspec: [\n', 'YAML syntax error'],
		];
		for (const [text, message] of cases) {
			const bad = file('bad.yaml', text);
			const result = await run([canary], {template: [bad]});
			expect(result.code).toBe(2);
			expect(result.stdout).toEqual([]);
			expect(result.stderr.join('\n')).toContain(`${bad}: `);
			expect(result.stderr.join('\n')).toContain(message);
		}
	});

	it('a file without MetricTemplates, a missing file and a template defined twice are exit 2', async () => {
		const missing = join(dir, 'nope.yaml');
		const twice = file('twice.yaml', templateYaml());
		expect(await run([canary], {template: [missing]})).toMatchObject({code: 2, stderr: [`${missing}: (file): file not found`]});
		expect(await run([canary], {template: [canary]})).toMatchObject({code: 2, stderr: [`${canary}: no MetricTemplate (kind: MetricTemplate, apiVersion: flagger.app/v1beta1) found`]});
		expect(await run([canary], {template: [template, twice]})).toMatchObject({code: 2, stderr: [`${twice}: MetricTemplate error-rate.apps is also defined in ${template}`]});
	});
});
