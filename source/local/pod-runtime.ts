// Runs a real podinfo listener for every pod of the embedded cluster, with the version of the
// pod's image tag, and knows where each one listens.
import type {Clock} from '../clock.js';
import type {DeploymentSimulator, Pod} from './cluster/deployment-simulator.js';
import {startPodServer, type PodServer} from './http/podinfo-server.js';
import type {Address, Faults, RecordRequest} from './http/types.js';
import {imageTag} from '../core/workloads/image-tag.js';

export type FaultSwitch = (pod: Pod) => Faults;

export class PodRuntime {
	private readonly servers = new Map<string, Promise<PodServer | undefined>>();
	private readonly addresses = new Map<string, Address>();
	private readonly stopListening: () => void;

	constructor(
		private readonly simulator: DeploymentSimulator,
		private readonly options: {clock: Clock; record: RecordRequest; faults?: FaultSwitch; onError?: (message: string) => void},
	) {
		this.stopListening = simulator.onPods({added: pod => this.start(pod), removed: pod => this.stop(pod)});
	}

	address(pod: string): Address | undefined {
		return this.addresses.get(pod);
	}

	async close(): Promise<void> {
		this.stopListening();
		const servers = [...this.servers.values()];
		this.servers.clear();
		this.addresses.clear();
		await Promise.all(servers.map(async server => (await server)?.close()));
	}

	private start(pod: Pod): void {
		const faults = this.options.faults;
		const started = startPodServer({
			pod: pod.name,
			workload: pod.deployment,
			namespace: pod.namespace,
			version: imageTag(pod.image),
			clock: this.options.clock,
			record: this.options.record,
			faults: faults && (() => faults(pod)),
		}).then(
			server => {
				if (this.servers.has(pod.name)) this.addresses.set(pod.name, server.address);
				else void server.close();
				return server;
			},
			(error: Error) => {
				this.options.onError?.(`pod ${pod.name}: ${error.message}`);
				return undefined;
			},
		);
		this.servers.set(pod.name, started);
	}

	private stop(pod: Pod): void {
		const server = this.servers.get(pod.name);
		this.servers.delete(pod.name);
		this.addresses.delete(pod.name);
		void server?.then(s => s?.close());
	}
}
