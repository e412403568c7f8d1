// Runs every graphql-http server audit against the URL given as the first argument.
// Fails when any MUST or SHOULD audit fails; MAY audits are reported but optional.
import { serverAudits } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node audit.mjs http://127.0.0.1:PORT/graphql');
  process.exit(2);
}

let passed = 0;
let failed = 0;
let optional = 0;
for (const audit of serverAudits({ url, fetchFn: fetch })) {
  const result = await audit.fn();
  const required = !audit.name.startsWith('MAY');
  if (result.status === 'ok') {
    passed += 1;
    continue;
  }
  if (required) {
    failed += 1;
    console.log(`FAILED ${audit.id} ${audit.name}: ${result.reason}`);
  } else {
    optional += 1;
    console.log(`optional ${audit.id} ${audit.name}: ${result.reason}`);
  }
}
console.log(`${passed} passed, ${failed} failed`);
if (optional > 0) console.log(`(${optional} optional MAY audits not met)`);
process.exit(failed === 0 ? 0 : 1);
