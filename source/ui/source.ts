// What the dashboard reads and where its actions go. The demo and cluster mode each provide
// one; the UI never talks to Kubernetes or the mesh directly.
import type {ManualAction} from '../core/engine/manual-actions.js';
import type {CanaryView} from './view-model.js';

export type DashboardSnapshot = {
	/** Virtual epoch ms of the snapshot. */
	now: number;
	canaries: CanaryView[];
	/** The role at this moment when it changes over time (leader/observer); else `source.role`. */
	role?: string;
};

export type DemoActions = {
	next(): Promise<string>;
	togglePolicy(): Promise<string>;
	toggleErrors(): string;
	toggleSlow(): string;
};

export type DashboardSource = {
	context: string;
	namespace: string;
	allNamespaces: boolean;
	role: string;
	readonly: boolean;
	/** Who a request is recorded as: $USER@host locally, the kube user in cluster mode. */
	requester: string;
	now(): number;
	snapshot(): DashboardSnapshot;
	subscribe(listener: () => void): () => void;
	/** Asks the controller to act; the answer is a notice for the footer. */
	request(action: ManualAction, canary: string): Promise<string>;
	demo?: DemoActions;
};
