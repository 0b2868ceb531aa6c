// Which cluster the cluster suites run against, if any: decided before the suites are
// declared, so that a skip is visible. CANARY_TUI_CLUSTER=1 makes a missing cluster a failure.
import {connect, type Connection} from '../../source/kube/connection.js';

export const required = process.env.CANARY_TUI_CLUSTER === '1';

export async function detect(): Promise<{connection?: Connection; reason?: string}> {
	if (!process.env.KUBECONFIG) return {reason: 'KUBECONFIG is not set'};
	try {
		const connection = await connect({timeoutMs: 5000});
		const local = ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(connection.server).hostname);
		if (!local && !required) return {reason: `KUBECONFIG points at ${connection.server}, not at a local cluster (set CANARY_TUI_CLUSTER=1 to run there)`};
		return {connection};
	} catch (error) {
		return {reason: (error as Error).message};
	}
}
