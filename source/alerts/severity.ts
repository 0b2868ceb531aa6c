// Which of a canary's alerts an alert of some severity goes to (semantics §4.4): an `info`
// subscription gets everything, `warn` gets warn and error, `error` only error. Our fix of quirk
// Q4: an empty severity means `info` (the CRD documents that default; Flagger sends it nothing).
import type {AlertSeverity} from '../core/engine/ops.js';
import type {AlertSeverity as SubscribedSeverity} from '../core/spec/types.js';

const rank: Record<AlertSeverity, number> = {info: 0, warn: 1, error: 2};

export function routesTo(subscribed: SubscribedSeverity | undefined, severity: AlertSeverity): boolean {
	return rank[severity] >= rank[subscribed || 'info'];
}
