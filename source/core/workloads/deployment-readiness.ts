// Flagger's Deployment readiness checks (pkg/canary/deployment_ready.go, semantics §3.9b),
// as a pure function of the Deployment's status and the time.
import type {Readiness} from '../engine/ops.js';

export type DeploymentCondition = {type: string; status: string; reason?: string; lastUpdateTime?: string};

export type DeploymentState = {
	name: string;
	namespace: string;
	generation: number;
	replicas: number;
	status: {
		observedGeneration: number;
		replicas: number;
		updatedReplicas: number;
		availableReplicas: number;
		conditions: DeploymentCondition[];
	};
};

export type ReadinessRole = 'primary' | 'canary';

function deadlineExceeded(deployment: DeploymentState, deadlineSeconds: number, now: number): boolean {
	const available = deployment.status.conditions.find(c => c.type === 'Available');
	const progressing = deployment.status.conditions.find(c => c.type === 'Progressing');
	if (progressing?.reason === 'ProgressDeadlineExceeded') return true;
	if (available?.status === 'False' && available.reason === 'MinimumReplicasUnavailable' && available.lastUpdateTime) {
		return Date.parse(available.lastUpdateTime) + deadlineSeconds * 1000 < now;
	}
	return false;
}

/** Why the rollout is not finished yet, or undefined when it is. */
function pendingRollout(deployment: DeploymentState, readyThreshold: number): string | undefined {
	const {status} = deployment;
	if (deployment.generation > status.observedGeneration) {
		return 'waiting for rollout to finish: observed deployment generation less than desired generation';
	}
	if (status.updatedReplicas < deployment.replicas) {
		return `waiting for rollout to finish: ${status.updatedReplicas} out of ${deployment.replicas} new replicas have been updated`;
	}
	if (status.replicas > status.updatedReplicas) {
		return `waiting for rollout to finish: ${status.replicas - status.updatedReplicas} old replicas are pending termination`;
	}
	const required = Math.floor((status.updatedReplicas * readyThreshold) / 100);
	if (status.availableReplicas < required) {
		return `waiting for rollout to finish: ${status.availableReplicas} of ${status.updatedReplicas} (readyThreshold ${readyThreshold}%) updated replicas are available`;
	}
	return undefined;
}

export function deploymentReadiness(
	deployment: DeploymentState,
	role: ReadinessRole,
	readyThreshold: number,
	deadlineSeconds: number,
	now: number,
): Readiness {
	const prefix = role === 'primary' ? `${deployment.name}.${deployment.namespace} not ready: ` : `canary deployment ${deployment.name}.${deployment.namespace} not ready: `;
	if (deployment.generation <= deployment.status.observedGeneration && deadlineExceeded(deployment, deadlineSeconds, now)) {
		return {ready: false, retriable: false, error: `${prefix}deployment "${deployment.name}" exceeded its progress deadline`};
	}
	const pending = pendingRollout(deployment, readyThreshold);
	return pending ? {ready: false, retriable: true, error: prefix + pending} : {ready: true};
}
