/** `npm run sandbox`: the simulators alone, on SANDBOX_PORT (default 8090), under /sandbox. */
import express from 'express';
import { sandboxRouter, SIMULATORS } from './index.ts';

const port = Number(process.env['SANDBOX_PORT'] || 8090);
const app = express();
app.disable('x-powered-by');
app.use('/sandbox', sandboxRouter());
app.listen(port, () => {
  console.log(`org-signup sandbox on http://localhost:${port}/sandbox/<provider>/`);
  for (const [id, sim] of Object.entries(SIMULATORS)) {
    console.log(`  ${id}: http://localhost:${port}/sandbox/${id}${sim.basePath}`);
  }
  console.log('Point a BFF at it with "sandbox": { "url": "http://localhost:' + port + '" }.');
});
