/**
 * A demo backend, run inside its namespace by `npm run demo`: `node backend.js NAME HOST PORT`
 * answers every request with its name (body and `x-backend` header), so the client can tell which
 * backend the VIP sent it to. Prints `listening` once bound.
 */
import { createServer } from 'node:http';

const [name = 'backend', host = '0.0.0.0', port = '8080'] = process.argv.slice(2);
const server = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'text/plain', 'x-backend': name }).end(`${name}\n`);
});
server.listen(Number(port), host, () => process.stdout.write(`listening ${name} ${host}:${port}\n`));
process.once('SIGTERM', () => server.close(() => process.exit(0)));
