// Regenerates source/core/spec/schemas.json (the openAPIV3Schema of Flagger's Canary,
// MetricTemplate and AlertProvider CRDs) from the published CRD file, so validation
// accepts and rejects exactly what a cluster with Flagger's CRDs does.
import {readFile, writeFile} from 'node:fs/promises';
import {fileURLToPath} from 'node:url';
import {parseAllDocuments} from 'yaml';

const root = fileURLToPath(new URL('..', import.meta.url));
const text = await readFile(`${root}/deploy/crds/upstream/flagger-v1.44.0-crds.yaml`, 'utf8');
// The published file continues two quoted descriptions at the key's own indentation, which Go's
// YAML reader accepts and a YAML 1.2 parser reads as stray keys. Descriptions do not validate
// anything, so drop those keys (no real key contains a space) and fail on any other error.
function dropStrayKeys(node) {
	if (Array.isArray(node)) return node.map(dropStrayKeys);
	if (node === null || typeof node !== 'object') return node;
	return Object.fromEntries(Object.entries(node).filter(([key]) => !/\s/.test(key)).map(([key, value]) => [key, dropStrayKeys(value)]));
}

const schemas = {};
for (const doc of parseAllDocuments(text, {strict: false})) {
	const unexpected = doc.errors.filter(error => !/Missing closing 'quote|Implicit keys need to be on a single line/.test(error.message));
	if (unexpected.length > 0) throw new Error(unexpected.map(error => error.message).join('\n'));
	const crd = dropStrayKeys(doc.toJS());
	if (!crd?.spec?.names?.kind) continue;
	const version = crd.spec.versions.find(v => v.storage);
	schemas[crd.spec.names.kind] = version.schema.openAPIV3Schema;
}
await writeFile(`${root}/source/core/spec/schemas.json`, JSON.stringify(schemas) + '\n');
console.log(`wrote ${Object.keys(schemas).join(', ')}`);
