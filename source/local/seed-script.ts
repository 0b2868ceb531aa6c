// `demo --script seed`: the seed document's three releases, unattended — 5.0.1 promoted by
// weight, 5.0.2 promoted by an A/B test, 5.0.3 rolled back under a stream of HTTP 500s —
// made the way the seed makes them: by editing kustomization.yaml.
import {readFile, rename, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import {parseDocument} from 'yaml';
import type {Phase} from '../core/spec/types.js';
import {startStream, userAgents} from './http/traffic.js';
import type {LocalDemo} from './demo.js';
import type {Clock} from '../clock.js';

export type SeedStep = {name: string; expected: Phase; outcome?: Phase; version?: string};

/** The seed's `yq w -i kustomization.yaml <path> <value>`, written atomically like an editor. */
export async function editKustomization(dir: string, path: Array<string | number>, value: string): Promise<void> {
	const file = join(dir, 'kustomization.yaml');
	const document = parseDocument(await readFile(file, 'utf8'));
	document.setIn(path, value);
	await writeFile(`${file}.tmp`, document.toString());
	await rename(`${file}.tmp`, file);
}

type Options = {demo: LocalDemo; dir: string; clock: Clock; notice: (line: string) => void; timeoutMs?: number};

export async function runSeedScript({demo, dir, clock, notice, timeoutMs = 30 * 60_000}: Options): Promise<SeedStep[]> {
	const steps: SeedStep[] = [];
	await waitFor(demo, clock, phase => phase === 'Initialized' || phase === 'Succeeded', timeoutMs);
	notice(`curl $URL → ${await curl(demo.url)}`);

	const release = async (name: string, expected: Phase, edit: () => Promise<void>, during?: () => () => void) => {
		notice(`seed: ${name}`);
		await edit();
		await waitFor(demo, clock, phase => phase === 'Progressing', timeoutMs);
		const stop = during?.();
		const outcome = await waitFor(demo, clock, phase => phase === 'Succeeded' || phase === 'Failed', timeoutMs);
		stop?.();
		const step: SeedStep = {name, expected, outcome};
		step.version = await curl(demo.url);
		notice(`seed: ${name}: ${outcome} (expected ${expected}); curl $URL → ${step.version}`);
		steps.push(step);
	};

	await release('podinfo 5.0.1, canary release', 'Succeeded', () => editKustomization(dir, ['images', 0, 'newTag'], '5.0.1'));
	await release('podinfo 5.0.2, A/B test for Firefox and curl users', 'Succeeded', async () => {
		await editKustomization(dir, ['resources', 0], 'abtest.yaml');
		await editKustomization(dir, ['images', 0, 'newTag'], '5.0.2');
	}, () => {
		const probe = clock.setTimeout(() => void curl(demo.url).then(answer => notice(`curl $URL (A/B: curl is routed to the canary) → ${answer}`)), 20_000);
		return () => probe.cancel();
	});
	await release('podinfo 5.0.3 under `watch -n 0.5 curl $URL/status/500`', 'Failed', () => editKustomization(dir, ['images', 0, 'newTag'], '5.0.3'), () => {
		const stream = startStream({url: demo.url, path: '/status/500', userAgent: userAgents.curl, everyMs: 500, clock});
		return () => stream.stop();
	});
	return steps;
}

async function waitFor(demo: LocalDemo, clock: Clock, accept: (phase: Phase) => boolean, timeoutMs: number): Promise<Phase> {
	const phase = () => demo.canaries()[0]?.status?.phase ?? '';
	if (accept(phase())) return phase();
	return new Promise((resolve, reject) => {
		const deadline = clock.setTimeout(() => {
			stop();
			reject(new Error(`timed out waiting for the canary; it is ${phase() || 'not initialized'}`));
		}, timeoutMs);
		const stop = demo.store.watch(event => {
			if (event.object.kind !== 'Canary' || !accept(event.object.status?.phase ?? '')) return;
			stop();
			deadline.cancel();
			resolve(event.object.status.phase);
		});
	});
}

/** What `curl $URL` shows: the answering pod's version and hostname. */
export async function curl(url: string): Promise<string> {
	try {
		const response = await fetch(url, {headers: {'user-agent': userAgents.curl}});
		const body = (await response.json()) as {version?: string; hostname?: string};
		return `podinfo ${body.version} (${body.hostname})`;
	} catch (error) {
		return `no answer (${(error as Error).message})`;
	}
}
