import { Writable } from 'node:stream';
import { expect } from 'chai';
import { createLogger } from '../../../src/create-logger';
import { sessionHandle } from '../../../src/features/users';
import { EventStoreUnavailableError, WrongExpectedVersionError } from '../../../src/shared/event-store/event-store';
import { maskSessionStreams } from '../../../src/shared/session-stream-mask';

const SESSION_ID = 'Zm9vYmFyLXNlc3Npb24taWQtdGhhdC1pcy1sb25nLWVub3Vn';

function capture(): { lines: string[]; stream: Writable } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  return { lines, stream };
}

describe('session stream masking', () => {
  it("names a session stream by the audit's handle, leaving other streams and words alone", () => {
    expect(maskSessionStreams(`Wrong expected version on 'session-${SESSION_ID}'`)).to.equal(`Wrong expected version on 'session-#${sessionHandle(SESSION_ID)}'`);
    for (const text of ['user-0198c2f0-aaaa-7bbb-8ccc-000000000001', 'end-sessions-on-user-deactivated', 'system:resolve-session', 'session renewal failed', 'user_sessions'])
      expect(maskSessionStreams(text), text).to.equal(text);
  });

  it('keeps the id out of the event store errors that name a stream', () => {
    const lost = new WrongExpectedVersionError(`session-${SESSION_ID}`, 3n, 4n);
    expect(lost.message).to.not.include(SESSION_ID);
    expect(lost.message).to.include(`session-#${sessionHandle(SESSION_ID)}`);
    expect(new EventStoreUnavailableError(`append to session-${SESSION_ID} timed out`).message).to.not.include(SESSION_ID);
  });

  it('keeps the id out of every log line: messages, bindings, an error and its streamName and stack', () => {
    const { lines, stream } = capture();
    const logger = createLogger('info', stream).child({ stream: `session-${SESSION_ID}` });
    const lost = new WrongExpectedVersionError(`session-${SESSION_ID}`, 3n, 4n);
    logger.warn({ err: lost, detail: `Key (stream_name)=(session-${SESSION_ID}) already exists.` }, `renewal of session-${SESSION_ID} lost`);
    expect(lines).to.have.length(1);
    const line = lines[0] as string;
    expect(line).to.not.include(SESSION_ID);
    const parsed = JSON.parse(line) as { msg: string; err: { streamName: string; message: string } };
    expect(parsed.msg).to.equal(`renewal of session-#${sessionHandle(SESSION_ID)} lost`);
    expect(parsed.err.streamName).to.equal(`session-#${sessionHandle(SESSION_ID)}`);
  });
});
