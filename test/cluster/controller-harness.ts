/**
 * Shared setup for tests that run the whole Controller on the real API (scripts/local-cluster.sh):
 * one fresh namespace per harness, the seed's podinfo Deployment, a Canary built from the seed,
 * the Controller with the same routers cluster mode picks per provider (cluster-command.ts), the
 * real WebhookClient, and an observer that records every change of the Canary and the router
 * objects as the API shows them.
 */
import {execFile} from 'node:child_process';
import {randomBytes, randomUUID} from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type {AddressInfo} from 'node:net';
import {promisify} from 'node:util';
import YAML from 'yaml';
import {realClock, type Clock} from '../../source/clock.js';
import type {Canary} from '../../source/core/spec/types.js';
import {Controller} from '../../source/controller/controller.js';
import {DeploymentWorkloads} from '../../source/controller/deployment-workloads.js';
import type {MetricsPort} from '../../source/controller/ports.js';
import {EventLog} from '../../source/events/event-log.js';
import {connect, type Connection} from '../../source/kube/connection.js';
import {KubeStore} from '../../source/kube/kube-store.js';
import type {KubeObject} from '../../source/kube/objects.js';
import {clusterRouters} from '../../source/routers/cluster-routers.js';
import {WebhookClient} from '../../source/webhooks/webhook-client.js';

export {detect, required} from './detect-cluster.js';

export const fixture = (file: string): KubeObject[] =>
	YAML.parseAllDocuments(fs.readFileSync(new URL(`../fixtures/podinfo/${file}`, import.meta.url), 'utf8')).map(doc => doc.toJS() as KubeObject);
export const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

export async function until<T>(what: string, timeoutMs: number, probe: () => T | undefined | false | Promise<T | undefined | false>, last?: () => string): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await probe();
		if (value !== undefined && value !== false) return value;
		if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}${last ? `: ${last()}` : ''}`);
		await sleep(250);
	}
}


/** A webhook endpoint on 127.0.0.1 answering with whatever `answer` says (status, body). */
export class WebhookServer {
	readonly calls: Array<{at: number; body: any}> = [];
	answer: (body: any) => {status: number; body: string} = () => ({status: 200, body: 'ok'});
	private server?: http.Server;
	url = '';

	async start(): Promise<this> {
		this.server = http.createServer((request, response) => {
			const chunks: Buffer[] = [];
			request.on('data', chunk => chunks.push(chunk as Buffer));
			request.on('end', () => {
				let body: unknown;
				try {
					body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
				} catch {
					body = undefined;
				}
				this.calls.push({at: Date.now(), body});
				const {status, body: text} = this.answer(body);
				response.writeHead(status, {'Content-Type': 'text/plain'}).end(text);
			});
		});
		await new Promise<void>(resolve => this.server!.listen(0, '127.0.0.1', resolve));
		this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
		return this;
	}

	async stop(): Promise<void> {
		await new Promise<void>(resolve => (this.server ? this.server.close(() => resolve()) : resolve()));
	}
}

export type StatusSnapshot = {at: number; phase?: string; canaryWeight?: number; failedChecks?: number; iterations?: number};
export type Observed = {at: number; type: string; object: KubeObject};

export type HarnessOptions = {
	connection: Connection;
	prefix: string;
	/** The Canary's spec, given the seed's spec without autoscalerRef, metrics and webhooks. */
	spec: (seed: any, namespace: string) => any;
	/** Router kinds to record (besides the Canary). */
	observe?: string[];
	/** Objects created in the namespace before the Canary (namespace filled in). */
	extra?: KubeObject[];
	/** The metrics port over the controller's store (default: every check passes, no values). */
	metrics?: (store: KubeStore, clock: Clock) => MetricsPort;
};

export class Harness {
	readonly namespace: string;
	readonly clock = realClock(1);
	readonly events = new EventLog();
	readonly log: string[] = [];
	readonly eventErrors: string[] = [];
	readonly phases: string[] = [];
	readonly statuses: StatusSnapshot[] = [];
	readonly observed: Observed[] = [];
	admin!: KubeStore;
	store!: KubeStore;
	observer!: KubeStore;
	controller!: Controller;
	private stopObserving?: () => void;

	private constructor(private readonly options: HarnessOptions) {
		this.namespace = `${options.prefix}-${randomBytes(3).toString('hex')}`;
	}

	static async start(options: HarnessOptions): Promise<Harness> {
		const harness = new Harness(options);
		await harness.setUp();
		return harness;
	}

	get key(): string {
		return `podinfo.${this.namespace}`;
	}

	messages(): string[] {
		return this.events.events(this.key).map(event => event.message);
	}

	get(kind: string, name: string): Promise<KubeObject | undefined> {
		return this.admin.get(kind, this.namespace, name);
	}

	async status(): Promise<any> {
		return (await this.get('Canary', 'podinfo'))?.status;
	}

	async phase(): Promise<string | undefined> {
		return (await this.status())?.phase;
	}

	describeState = (): string =>
		`ns ${this.namespace}; phases ${this.phases.join(' → ')}; last events: ${this.messages().slice(-5).join(' | ')}; log: ${this.log.slice(-3).join(' | ')}`;

	async setImage(image: string): Promise<void> {
		for (let attempt = 0; ; attempt++) {
			const target = (await this.get('Deployment', 'podinfo'))!;
			target.spec.template.spec.containers[0].image = image;
			try {
				await this.admin.update(target);
				return;
			} catch (error) {
				if (attempt >= 4) throw error;
			}
		}
	}

	/** Every distinct version of one router object's spec as watched, mapped by `view`. */
	history<T>(kind: string, name: string, view: (object: KubeObject) => T): T[] {
		const out: T[] = [];
		for (const {object} of this.observed) {
			if (object.kind !== kind || object.metadata.name !== name) continue;
			const value = view(object);
			if (JSON.stringify(value) !== JSON.stringify(out.at(-1))) out.push(value);
		}
		return out;
	}

	/** `kubectl get canary podinfo` STATUS and WEIGHT, with the status read before and after (equal when nothing moved). */
	async kubectlColumns(): Promise<{kubectl: {status: string; weight: string}; before: any; after: any}> {
		const script = new URL('../../scripts/local-cluster.sh', import.meta.url).pathname;
		const before = await this.status();
		const {stdout} = await promisify(execFile)(script, ['kubectl', 'get', 'canary', 'podinfo', '-n', this.namespace], {env: process.env});
		const after = await this.status();
		const [header, row] = stdout.trim().split('\n');
		const columns = header!.split(/\s+/);
		const cells = row!.split(/\s+/);
		const cell = (name: string) => cells[columns.indexOf(name)]!;
		return {kubectl: {status: cell('STATUS'), weight: cell('WEIGHT')}, before, after};
	}

	/** Kubernetes Events written for the Canary. */
	async writtenEvents(): Promise<KubeObject[]> {
		return (await this.admin.list('Event', this.namespace)).filter(event => (event as any).involvedObject?.kind === 'Canary');
	}

	private async setUp(): Promise<void> {
		const {connection} = this.options;
		const namespace = this.namespace;
		this.admin = new KubeStore({kc: connection.kc});
		await this.admin.create({apiVersion: 'v1', kind: 'Namespace', metadata: {name: namespace}});
		this.store = new KubeStore({kc: connection.kc, namespace, kinds: ['Canary'], onEventError: error => this.eventErrors.push(error.message)});
		this.observer = new KubeStore({kc: connection.kc, namespace, kinds: ['Canary', ...(this.options.observe ?? [])]});
		this.stopObserving = this.observer.watch(event => {
			const object = event.object;
			this.observed.push({at: Date.now(), type: event.type, object});
			if (object.kind !== 'Canary') return;
			const s = object.status ?? {};
			const snapshot: StatusSnapshot = {at: Date.now(), phase: s.phase, canaryWeight: s.canaryWeight, failedChecks: s.failedChecks, iterations: s.iterations};
			const last = this.statuses.at(-1);
			if (!last || last.phase !== snapshot.phase || last.canaryWeight !== snapshot.canaryWeight || last.failedChecks !== snapshot.failedChecks || last.iterations !== snapshot.iterations) this.statuses.push(snapshot);
			if (s.phase && s.phase !== this.phases.at(-1)) this.phases.push(s.phase);
		});
		await this.observer.synced();
		for (const object of this.options.extra ?? []) await this.admin.create({...object, metadata: {...object.metadata, namespace}});
		const [deployment] = fixture('deployment.yaml');
		await this.admin.create({...deployment!, metadata: {...deployment!.metadata, namespace}});
		const [seed] = fixture('canary.yaml');
		const {autoscalerRef: _autoscalerRef, ...seedSpec} = seed!.spec;
		const {metrics: _metrics, webhooks: _webhooks, ...seedAnalysis} = seedSpec.analysis;
		await this.admin.create({...seed!, metadata: {name: 'podinfo', namespace}, spec: this.options.spec({...seedSpec, analysis: seedAnalysis}, namespace)});
		const workloads = new DeploymentWorkloads({store: this.store, now: () => this.clock.now(), newId: randomUUID});
		this.controller = new Controller({
			clock: this.clock,
			store: this.store,
			workloads,
			router: clusterRouters(this.store, workloads),
			metrics: this.options.metrics?.(this.store, this.clock) ?? {check: async () => ({ok: true}), query: async () => ({ok: false, noData: true, error: 'no metrics in this test'})},
			webhooks: new WebhookClient({clock: this.clock}),
			events: this.store.eventSink(this.events),
			log: (canary, message) => this.log.push(`${canary}: ${message}`),
			namespace,
		});
		await this.controller.start();
	}

	async waitPhase(phase: string, timeoutMs: number): Promise<void> {
		await until(`${phase}`, timeoutMs, async () => (await this.phase()) === phase, this.describeState);
		// The tick that wrote the phase goes on (post-rollout hooks, then "Promotion completed!"):
		// let it finish, so its events are in the log the test reads next.
		await this.controller?.whenIdle();
	}

	async stop(): Promise<void> {
		this.controller?.stop();
		await this.controller?.whenIdle();
		// Controller.run re-reads the Canary after a tick without catching errors: let that read
		// finish before the store closes (else an unhandled "socket hang up" rejection).
		await sleep(1500);
		this.stopObserving?.();
		await this.observer?.close();
		await this.store?.close();
		if (process.env.CANARY_TUI_KEEP !== '1') await this.admin?.delete('Namespace', '', this.namespace).catch(() => {});
		await this.admin?.close();
	}
}
