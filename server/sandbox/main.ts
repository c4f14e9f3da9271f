/**
 * `npm run sandbox`: the simulators alone, on SANDBOX_PORT (default 8090), under /sandbox. They
 * record every registrant's details (`_requests`), so they listen on the loopback interface only,
 * and refuse NODE_ENV=production, unless ORG_SIGNUP_SANDBOX_PUBLIC=1 says to expose them (the
 * BFF's switch for a mounted sandbox, by the same name).
 */
import express from 'express';
import { sandboxRouter, SIMULATORS } from './index.ts';

const exposed = process.env['ORG_SIGNUP_SANDBOX_PUBLIC'] === '1';
if (process.env['NODE_ENV'] === 'production' && !exposed) {
  console.error(
    "The sandbox records every registrant's details at /sandbox/<provider>/_requests: it does not start with NODE_ENV=production. Set ORG_SIGNUP_SANDBOX_PUBLIC=1 to run it anyway.",
  );
  process.exit(78);
}
const port = Number(process.env['SANDBOX_PORT'] || 8090);
const app = express();
app.disable('x-powered-by');
app.use('/sandbox', sandboxRouter());
const started = () => {
  if (exposed) {
    console.error(
      "\n*** SANDBOX IS PUBLIC (ORG_SIGNUP_SANDBOX_PUBLIC=1): anyone who reaches it reads every registrant's details ***\n",
    );
  }
  console.log(`org-signup sandbox on http://localhost:${port}/sandbox/<provider>/`);
  for (const [id, sim] of Object.entries(SIMULATORS)) {
    console.log(`  ${id}: http://localhost:${port}/sandbox/${id}${sim.basePath}`);
  }
  console.log('Point a BFF at it with "sandbox": { "url": "http://localhost:' + port + '" }.');
};
if (exposed) app.listen(port, started);
else app.listen(port, '127.0.0.1', started);
