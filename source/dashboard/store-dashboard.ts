// The dashboard's view of a controller and its cluster (embedded or real): snapshots of the
// canaries built from the store, and manual actions written as requests on the Canary.
import type {ManualAction} from '../core/engine/manual-actions.js';
import type {Canary} from '../core/spec/types.js';
import {encodeRequest, requestAnnotation} from '../controller/requests.js';
import type {EventLog} from '../events/event-log.js';
import type {MetricSeries} from '../events/metric-series.js';
import type {ObjectStore} from '../kube/objects.js';
import {updateWithRetry} from '../kube/update-with-retry.js';
import type {DashboardSnapshot, DashboardSource, DemoActions} from '../ui/source.js';
import {canaryView} from '../ui/view-model.js';

export type DashboardData = {
	store: ObjectStore;
	/** The canaries to show, from a cache: snapshots must not wait for the network. */
	canaries(): Canary[];
	deploymentImage(namespace: string, name: string): string | undefined;
	events: EventLog;
	series: MetricSeries;
	now(): number;
	/** Changes of `role` (leadership, a running Flagger), to repaint the header. */
	roleChanges?: (listener: () => void) => () => void;
};

export type DashboardOptions = {
	context: string;
	namespace: string;
	allNamespaces: boolean;
	/** The header's role; a function when it changes (leader/observer). */
	role: string | (() => string);
	readonly: boolean;
	/** Why manual actions are refused right now (a running Flagger drives these canaries). */
	refusal?: () => string | undefined;
	requester: string;
	demo?: DemoActions;
	notifyEveryMs?: number;
};

export function storeDashboard(data: DashboardData, options: DashboardOptions): DashboardSource {
	const listeners = new Set<() => void>();
	let cached: DashboardSnapshot | undefined;
	let pending: NodeJS.Timeout | undefined;
	const changed = () => {
		cached = undefined;
		if (pending) return;
		// Many writes land in one tick; one repaint is enough.
		pending = setTimeout(() => {
			pending = undefined;
			for (const listener of listeners) listener();
		}, options.notifyEveryMs ?? 100);
		pending.unref?.();
	};
	let unsubscribe: Array<() => void> = [];
	const roleNow = () => (typeof options.role === 'function' ? options.role() : options.role);

	const snapshot = (): DashboardSnapshot => {
		cached ??= {
			now: data.now(),
			role: roleNow(),
			canaries: data.canaries().map(canary => {
				const namespace = canary.metadata.namespace!;
				const key = `${canary.metadata.name}.${namespace}`;
				return canaryView({
					canary,
					targetImage: data.deploymentImage(namespace, canary.spec.targetRef.name),
					primaryImage: data.deploymentImage(namespace, `${canary.spec.targetRef.name}-primary`),
					events: data.events.events(key),
					series: metric => data.series.of(key, metric)?.points ?? [],
				});
			}),
		};
		return cached;
	};

	const request = async (action: ManualAction, key: string): Promise<string> => {
		if (options.readonly) return `${action} refused: read-only (--readonly)`;
		const refused = options.refusal?.();
		if (refused) return `${action} refused: ${refused}`;
		const canary = data.canaries().find(c => `${c.metadata.name}.${c.metadata.namespace}` === key);
		if (!canary) return `${key} is gone`;
		const value = encodeRequest(action, options.requester, new Date(data.now()).toISOString());
		const outcome = await updateWithRetry(data.store, 'Canary', canary.metadata.namespace!, canary.metadata.name, object => {
			object.metadata.annotations = {...object.metadata.annotations, [requestAnnotation]: value};
		});
		if (outcome.ok) return `${action} of ${key} requested`;
		if (outcome.reason === 'NotFound') return `${key} is gone`;
		if (outcome.reason === 'Conflict') return `${action} of ${key}: too many conflicting writes, try again`;
		return `${action} of ${key} failed: ${outcome.error}`;
	};

	return {
		context: options.context,
		namespace: options.namespace,
		allNamespaces: options.allNamespaces,
		role: roleNow(),
		readonly: options.readonly,
		requester: options.requester,
		now: data.now,
		snapshot,
		subscribe(listener) {
			if (listeners.size === 0) {
				unsubscribe = [
					data.store.watch(event => {
						if (event.object.kind === 'Canary' || event.object.kind === 'Deployment') changed();
					}),
					data.events.subscribe(changed),
					data.series.subscribe(changed),
					...(data.roleChanges ? [data.roleChanges(changed)] : []),
				];
			}
			listeners.add(listener);
			return () => {
				listeners.delete(listener);
				if (listeners.size > 0) return;
				for (const stop of unsubscribe) stop();
				clearTimeout(pending);
			};
		},
		request,
		...(options.demo ? {demo: options.demo} : {}),
	};
}
