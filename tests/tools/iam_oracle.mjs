// Independent oracle for grantpath's IAM witnesses: replays requests through
// @cloud-copilot/iam-simulate, run as a separate process (the package is
// AGPL: it is installed at test time, never linked, copied or vendored).
//
// Input (stdin): JSON lines {"id", "identityPolicies": [doc...],
//   "resourcePolicy": doc|null, "principal": ARN|"*", "action", "resource",
//   "accountId", "context": {key: value|[values]}}
// Output (stdout): JSON lines {"id", "result": "Allowed"|"ImplicitlyDenied"|
//   "ExplicitlyDenied"|"error", "detail"}
// Usage: node iam_oracle.mjs NODE_MODULES_DIR < cases.jsonl
import { createRequire } from 'node:module';
import path from 'node:path';
import readline from 'node:readline';

const modules = process.argv[2];
const require = createRequire(path.join(modules, 'noop.js'));
const simulate = await import(require.resolve('@cloud-copilot/iam-simulate'));

const rl = readline.createInterface({ input: process.stdin });
for await (const line of rl) {
  if (!line.trim()) continue;
  const c = JSON.parse(line);
  const principal = c.principal === '*' ? simulate.anonymousPrincipal : c.principal;
  const sim = {
    request: {
      principal,
      action: c.action,
      resource: { resource: c.resource, accountId: c.accountId },
      contextVariables: c.context || {},
    },
    identityPolicies: (c.identityPolicies || []).map((policy, i) => ({ name: `p${i}`, policy })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: c.resourcePolicy || undefined,
  };
  let out;
  try {
    const r = await simulate.runSimulation(sim, {});
    if (r.resultType === 'error') out = { id: c.id, result: 'error', detail: r.errors.message };
    else out = { id: c.id, result: r.overallResult };
  } catch (e) {
    out = { id: c.id, result: 'error', detail: String(e) };
  }
  process.stdout.write(JSON.stringify(out) + '\n');
}
