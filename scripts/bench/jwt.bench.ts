import jwt from 'jsonwebtoken';
import { JwtTokenCodec } from '../../src/features/sessions';
import type { Measurement } from './measure';

const SECRET = 'bench-secret-0123456789abcdefghijklmnopqrstuvwxyz';

/** Sign-and-verify pairs: the codec's KeyObject secret against jsonwebtoken with a string secret. */
export function benchJwt(): Measurement[] {
  const codec = new JwtTokenCodec(SECRET);
  const expiresAt = new Date(Date.now() + 300_000);
  const now = new Date();
  const keyObject = timeSync('jwt sign+verify, KeyObject secret', 20_000, () => {
    const token = codec.issue('session-id-for-the-benchmark', expiresAt);
    if (codec.decode(token, now) === null) throw new Error('token did not verify');
  });
  const exp = Math.floor(expiresAt.getTime() / 1000);
  const stringSecret = timeSync('jwt sign+verify, string secret', 1_000, () => {
    const token = jwt.sign({ auth_session_id: 'session-id-for-the-benchmark', exp }, SECRET, { algorithm: 'HS256', noTimestamp: true });
    jwt.verify(token, SECRET, { algorithms: ['HS256'] });
  });
  return [keyObject, stringSecret];
}

function timeSync(name: string, ops: number, operation: () => void): Measurement {
  const latencies: number[] = [];
  const started = process.hrtime.bigint();
  for (let i = 0; i < ops; i++) {
    const t0 = process.hrtime.bigint();
    operation();
    latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  const totalMs = Number(process.hrtime.bigint() - started) / 1e6;
  latencies.sort((a, b) => a - b);
  return {
    name,
    target: 'cpu',
    ops,
    totalMs,
    p50Ms: latencies[Math.floor(ops * 0.5)] ?? 0,
    p99Ms: latencies[Math.floor(ops * 0.99)] ?? 0,
  };
}
