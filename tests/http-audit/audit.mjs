// Runs every graphql-http server audit against the URL given as the first argument, signed
// in as the user in AUDIT_EMAIL / AUDIT_PASSWORD (anonymous callers may only sign in).
// Fails when any MUST or SHOULD audit fails; MAY audits are reported but optional.
import { serverAudits } from 'graphql-http';

const url = process.argv[2];
if (!url || !process.env.AUDIT_EMAIL || !process.env.AUDIT_PASSWORD) {
  console.error('usage: AUDIT_EMAIL=… AUDIT_PASSWORD=… node audit.mjs http://127.0.0.1:PORT/graphql');
  process.exit(2);
}

const login = await fetch(url, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({
    query: 'mutation($input: LoginInput!) { login(input: $input) { accessToken } }',
    variables: { input: { email: process.env.AUDIT_EMAIL, password: process.env.AUDIT_PASSWORD } },
  }),
});
const token = (await login.json())?.data?.login?.accessToken;
if (!token) {
  console.error('could not sign in for the audit');
  process.exit(1);
}
const authorized = (input, init = {}) => {
  const headers = new Headers(init.headers);
  headers.set('authorization', `Bearer ${token}`);
  return fetch(input, { ...init, headers });
};

let passed = 0;
let failed = 0;
let optional = 0;
for (const audit of serverAudits({ url, fetchFn: authorized })) {
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
