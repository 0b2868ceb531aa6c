import {describe, expect, it} from 'vitest';
import {applyImages, overrideImage, splitImage} from '../../../source/local/gitops/image-transformer.js';

describe('splitImage', () => {
	it('splits name, tag and digest, not mistaking a registry port for a tag', () => {
		expect(splitImage('ghcr.io/stefanprodan/podinfo:5.0.0')).toEqual({name: 'ghcr.io/stefanprodan/podinfo', tag: '5.0.0', digest: ''});
		expect(splitImage('nginx')).toEqual({name: 'nginx', tag: '', digest: ''});
		expect(splitImage('localhost:5000/podinfo')).toEqual({name: 'localhost:5000/podinfo', tag: '', digest: ''});
		expect(splitImage('localhost:5000/podinfo:1.2')).toEqual({name: 'localhost:5000/podinfo', tag: '1.2', digest: ''});
		expect(splitImage('podinfo@sha256:abc')).toEqual({name: 'podinfo', tag: '', digest: 'sha256:abc'});
		expect(splitImage('r.io/podinfo:1.0@sha256:abc')).toEqual({name: 'r.io/podinfo', tag: '1.0', digest: 'sha256:abc'});
	});
});

describe('overrideImage', () => {
	it('replaces the name and the tag (dropping a digest) of matching images only', () => {
		const override = {name: 'ghcr.io/stefanprodan/podinfo', newTag: '5.0.1'};
		expect(overrideImage('ghcr.io/stefanprodan/podinfo:5.0.0', override)).toBe('ghcr.io/stefanprodan/podinfo:5.0.1');
		expect(overrideImage('ghcr.io/stefanprodan/podinfo@sha256:abc', override)).toBe('ghcr.io/stefanprodan/podinfo:5.0.1');
		expect(overrideImage('ghcr.io/stefanprodan/podinfo-ui:5.0.0', override)).toBeUndefined();
		expect(overrideImage('podinfo:1', {name: 'podinfo', newName: 'r.io/podinfo'})).toBe('r.io/podinfo:1');
	});
});

describe('applyImages', () => {
	it('rewrites containers and initContainers of a Deployment pod template', () => {
		const deployment = {
			kind: 'Deployment',
			spec: {template: {spec: {
				initContainers: [{name: 'init', image: 'podinfo:1'}],
				containers: [{name: 'app', image: 'podinfo:1'}, {name: 'sidecar', image: 'envoy:1'}],
			}}},
		};
		applyImages(deployment, [{name: 'podinfo', newTag: '2'}]);
		expect(deployment.spec.template.spec.initContainers[0]!.image).toBe('podinfo:2');
		expect(deployment.spec.template.spec.containers.map(c => c.image)).toEqual(['podinfo:2', 'envoy:1']);
	});

	it('leaves objects without pod templates alone', () => {
		const canary = {kind: 'Canary', spec: {template: {spec: {containers: [{image: 'podinfo:1'}]}}}};
		applyImages(canary, [{name: 'podinfo', newTag: '2'}]);
		expect(canary.spec.template.spec.containers[0]!.image).toBe('podinfo:1');
	});
});
