// Flagger 1.44's event strings, verbatim (flagger-semantics.md §4.2). Each takes the same
// arguments as Flagger's format string, including its choice of canary vs target name.
import {formatFloatV, formatFixed} from '../format/go-float.js';
import {formatGoDuration} from '../format/go-duration.js';

type Named = {name: string; namespace: string; target: string};
const c = (x: Named) => `${x.name}.${x.namespace}`;
const t = (x: Named) => `${x.target}.${x.namespace}`;

export const messages = {
	suspended: () => 'skipping canary run as object is suspended',
	providersUnavailable: (err: string) => `Error checking metric providers: ${err}`,
	providersAvailable: () => 'all the metrics providers are available!',
	scaleDownFailed: (kind: string, x: Named, err: string) => `scaling down canary ${kind} ${t(x)} failed: ${err}`,
	initialized: (x: Named) => `Initialization done! ${c(x)}`,
	newRevision: (x: Named) => `New revision detected! Scaling up ${t(x)}`,
	restart: (x: Named) => `New revision detected! Restarting analysis for ${t(x)}`,
	starting: (x: Named) => `Starting canary analysis for ${t(x)}`,
	advanceWeight: (x: Named, weight: number) => `Advance ${c(x)} canary weight ${weight}`,
	advanceIteration: (x: Named, done: number, total: number) => `Advance ${c(x)} canary iteration ${done}/${total}`,
	advancePrimaryWeight: (x: Named, weight: number) => `Advance ${c(x)} primary weight ${weight}`,
	copying: (x: Named) => `Copying ${t(x)} template spec to ${x.target}-primary.${x.namespace}`,
	routingToPrimary: () => 'Routing all traffic to primary',
	routingToCanary: () => 'Routing all traffic to canary',
	stopMirroring: () => 'Stop traffic mirroring and route all traffic to canary',
	promotionCompleted: (x: Named) => `Promotion completed! Scaling down ${t(x)}`,
	promotionSkipped: (x: Named) => `Promotion completed! Canary analysis was skipped for ${t(x)}`,
	rollingBackThreshold: (x: Named, failedChecks: number) =>
		`Rolling back ${c(x)} failed checks threshold reached ${failedChecks}`,
	rollingBackManual: (x: Named) => `Rolling back ${c(x)} manual webhook invoked`,
	rollingBackDeadline: (x: Named, err: string) => `Rolling back ${c(x)} progress deadline exceeded ${err}`,
	canaryFailed: (x: Named) => `Canary failed! Scaling down ${c(x)}`,
	promotionFailed: (x: Named, err: string) => `Promotion of ${t(x)} failed, primary not ready: ${err}`,
	abNotSupported: () => 'A/B testing is not supported when using the kubernetes provider',
	progressiveNotSupported: () => 'Progressive traffic is not supported when using the kubernetes provider',
	settingIterations: (n: number) => `Setting canaryAnalysis.iterations: ${n}`,
	externalCheckFailed: (x: Named, hook: string, err: string) =>
		`Halt ${c(x)} advancement external check ${hook} failed ${err}`,
	preRolloutFailed: (x: Named, hook: string, err: string) =>
		`Halt ${c(x)} advancement pre-rollout check ${hook} failed ${err}`,
	preRolloutPassed: (hook: string) => `Pre-rollout check ${hook} passed`,
	waitingApproval: (x: Named, hook: string) => `Halt ${c(x)} advancement waiting for approval ${hook}`,
	confirmRolloutPassed: (hook: string) => `Confirm-rollout check ${hook} passed`,
	waitingTrafficIncrease: (x: Named, hook: string) =>
		`Halt ${c(x)} advancement waiting for traffic increase approval ${hook}`,
	confirmTrafficIncreasePassed: (hook: string) => `Confirm-traffic-increase check ${hook} passed`,
	waitingPromotionApproval: (x: Named, hook: string) =>
		`Halt ${c(x)} advancement waiting for promotion approval ${hook}`,
	confirmPromotionPassed: (hook: string) => `Confirm-promotion check ${hook} passed`,
	postRolloutFailed: (hook: string, err: string) => `Post-rollout hook ${hook} failed ${err}`,
	postRolloutPassed: (hook: string) => `Post-rollout check ${hook} passed`,
	rollbackNotSignaling: (hook: string) => `Rollback hook ${hook} not signaling a rollback`,
	rollbackPassed: (hook: string) => `Rollback check ${hook} passed`,
	noValuesSuccessRate: (provider: string, metric: string, x: Named, err: string) =>
		`Halt advancement no values found for ${provider} metric ${metric} probably ${t(x)} is not receiving traffic: ${err}`,
	noValuesDuration: (provider: string, metric: string, x: Named) =>
		`Halt advancement no values found for ${provider} metric ${metric} probably ${t(x)} is not receiving traffic`,
	prometheusFailed: (err: string) => `Prometheus query failed: ${err}`,
	successRateBelow: (x: Named, value: number, min: number) =>
		`Halt ${c(x)} advancement success rate ${formatFixed(value, 2)}% < ${formatFloatV(min)}%`,
	successRateAbove: (x: Named, value: number, max: number) =>
		`Halt ${c(x)} advancement success rate ${formatFixed(value, 2)}% > ${formatFloatV(max)}%`,
	durationBelow: (x: Named, value: number, min: number) =>
		`Halt ${c(x)} advancement request duration ${formatGoDuration(value)} < ${formatGoDuration(min)}`,
	durationAbove: (x: Named, value: number, max: number) =>
		`Halt ${c(x)} advancement request duration ${formatGoDuration(value)} > ${formatGoDuration(max)}`,
	/** Ours: Flagger lets a non-finite p99 pass (it converts +Inf to a meaningless duration). */
	durationNotFinite: (x: Named, value: number, max: number | undefined) =>
		`Halt ${c(x)} advancement request duration ${value > 0 ? '+Inf' : value < 0 ? '-Inf' : 'NaN'}${max === undefined ? '' : ` > ${formatGoDuration(max)}`}`,
	noValuesQuery: (metric: string) => `Halt advancement no values found for metric: ${metric}`,
	queryFailed: (metric: string, err: string) => `Prometheus query failed for ${metric}: ${err}`,
	metricBelow: (x: Named, metric: string, value: number, min: number) =>
		`Halt ${c(x)} advancement ${metric} ${formatFixed(value, 2)} < ${formatFloatV(min)}`,
	metricAbove: (x: Named, metric: string, value: number, max: number) =>
		`Halt ${c(x)} advancement ${metric} ${formatFixed(value, 2)} > ${formatFloatV(max)}`,
	noValuesCustom: (metric: string, err: string) => `Halt advancement no values found for custom metric: ${metric}: ${err}`,
	metricQueryFailed: (metric: string, err: string) => `Metric query failed for ${metric}: ${err}`,
	noUsableMetric: () => 'Metric query failed for no usable metrics template and query were configured',
} as const;

export const alerts = {
	initialized: (kind: string) => `New ${kind} detected, initialization completed.`,
	progressing: () => 'New revision detected, progressing canary analysis.',
	waitingApproval: () => 'Canary is waiting for approval.',
	waitingTrafficIncrease: () => 'Canary traffic increase is waiting for approval.',
	waitingPromotion: () => 'Canary promotion is waiting for approval.',
	manualRollback: () => 'Rolling back manual webhook invoked',
	thresholdReached: (failedChecks: number) => `Failed checks threshold reached ${failedChecks}`,
	progressDeadline: (err: string) => `Progress deadline exceeded ${err}`,
	succeeded: () => 'Canary analysis completed successfully, promotion finished.',
	skipped: () => 'Canary analysis was skipped, promotion finished.',
	promotionFailed: (err: string) => `Promotion failed, primary not ready: ${err}`,
} as const;
