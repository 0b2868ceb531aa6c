// A kustomization folder with N canaries like the seed's podinfo (App Mesh, two metric checks,
// no webhooks), one Deployment each: the fleet the CPU and memory figures run on.
import {mkdtemp, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';

export const fleetNamespace = 'fleet';
export const fleetName = (index: number) => `app-${String(index).padStart(4, '0')}`;

function manifests(name: string): string {
	return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  replicas: 1
  minReadySeconds: 3
  selector:
    matchLabels:
      app: ${name}
  template:
    metadata:
      labels:
        app: ${name}
    spec:
      containers:
        - name: podinfod
          image: ghcr.io/stefanprodan/podinfo:5.0.0
          ports:
            - name: http
              containerPort: 9898
---
apiVersion: flagger.app/v1beta1
kind: Canary
metadata:
  name: ${name}
spec:
  provider: appmesh:v1beta2
  targetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: ${name}
  progressDeadlineSeconds: 3600
  service:
    port: 9898
  analysis:
    maxWeight: 50
    stepWeight: 5
    interval: 15s
    threshold: 5
    metrics:
      - name: request-success-rate
        thresholdRange:
          min: 99
        interval: 1m
      - name: request-duration
        thresholdRange:
          max: 500
        interval: 1m
`;
}

export async function writeFleetFolder(canaries: number): Promise<string> {
	const dir = await mkdtemp(join(tmpdir(), 'canary-tui-bench-fleet-'));
	const docs = Array.from({length: canaries}, (_, i) => manifests(fleetName(i)));
	await writeFile(join(dir, 'fleet.yaml'), docs.join('---\n'));
	await writeFile(join(dir, 'kustomization.yaml'), `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: ${fleetNamespace}\nresources:\n  - fleet.yaml\n`);
	return dir;
}
