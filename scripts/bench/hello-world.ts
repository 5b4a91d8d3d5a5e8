/**
 * The baseline every HTTP row is divided by: an Express 5 app whose one route answers
 * `res.json`, in a process of its own, compiled as the service is. Listens on PORT (0: any
 * free port) on 127.0.0.1 and prints `listening on <url>`.
 */
import express from 'express';

const app = express();
app.get('/', (_request, response) => {
  response.json({ hello: 'world' });
});
const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  process.stdout.write(`listening on http://127.0.0.1:${port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
process.on('SIGINT', () => server.close(() => process.exit(0)));
