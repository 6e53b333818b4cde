import assert from 'node:assert/strict';
import { Duplex } from 'node:stream';
import { describe, test } from 'node:test';
import Docker from 'dockerode';
import { execInContainer } from './container-exec';

/** An exec's hijacked stream as the engine sends it: multiplexed frames (Tty:false). */
class EngineStream extends Duplex {
  readonly input: Buffer[] = [];
  override _read(): void {}
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
    this.input.push(chunk);
    callback();
  }
  frame(kind: 1 | 2, text: string): void {
    const body = Buffer.from(text);
    const header = Buffer.alloc(8);
    header[0] = kind;
    header.writeUInt32BE(body.length, 4);
    this.push(Buffer.concat([header, body]));
  }
}

interface CreatedExec {
  options: { Cmd: string[]; Env?: string[] };
  stream: EngineStream;
}

/** Just enough of dockerode for execInContainer: each exec gets a fresh stream that `script` plays. */
function engine(script: (exec: CreatedExec, index: number) => void): { docker: Docker; execs: CreatedExec[] } {
  const execs: CreatedExec[] = [];
  // docker-modem's own demuxStream: it needs no connection.
  const { modem } = new Docker({ socketPath: '/nonexistent' });
  const docker = {
    modem,
    getContainer: () => ({
      exec: async (options: CreatedExec['options']) => {
        const created = { options, stream: new EngineStream() };
        execs.push(created);
        return {
          start: async () => {
            setImmediate(() => script(created, execs.indexOf(created)));
            return created.stream;
          },
          inspect: async () => ({ Running: false, ExitCode: 3 }),
        };
      },
    }),
  } as unknown as Docker;
  return { docker, execs };
}

describe('execInContainer', () => {
  test('keeps stdout and stderr apart, feeds stdin, and reports the exit code', async () => {
    const { docker, execs } = engine(({ stream }) => {
      stream.frame(1, 'to-out\n');
      stream.frame(2, 'to-err\n');
      stream.push(null);
    });
    const result = await execInContainer(docker, 'c'.repeat(64), ['sh'], { stdin: 'echo hi\n', timeoutMs: 5_000 });
    assert.deepEqual({ ...result, durationMs: 0 }, { exitCode: 3, stdout: 'to-out\n', stderr: 'to-err\n', timedOut: false, durationMs: 0 });
    assert.equal(Buffer.concat(execs[0]!.stream.input).toString(), 'echo hi\n');
  });

  test('a failed stream is an error, not an empty result', async () => {
    const { docker } = engine(({ stream }) => {
      stream.frame(1, 'partial');
      stream.destroy(new Error('socket hang up'));
    });
    await assert.rejects(execInContainer(docker, 'c'.repeat(64), ['true'], { timeoutMs: 5_000 }), /socket hang up/);
  });

  test('on timeout a second exec kills every process carrying the first one’s marker', async () => {
    const { docker, execs } = engine(({ stream }, index) => {
      if (index === 1) stream.push(null); // the killer ends at once; the check never does
    });
    const result = await execInContainer(docker, 'c'.repeat(64), ['sleep', '300'], { timeoutMs: 50, env: ['A=1'] });
    assert.equal(result.timedOut, true);
    assert.equal(result.exitCode, null);
    assert.equal(execs.length, 2);
    const marker = execs[0]!.options.Env?.find((e) => e.startsWith('DRYDOCK_EXEC='));
    assert.match(marker ?? '', /^DRYDOCK_EXEC=[0-9a-f]{16}$/);
    assert.deepEqual(execs[0]!.options.Env, ['A=1', marker]);
    const killer = execs[1]!.options;
    assert.deepEqual([killer.Cmd[0], killer.Cmd.at(-1)], ['sh', marker], 'the marker is an argument of the killer');
    assert.equal(killer.Env, undefined, 'and not in its environment, so it does not kill itself');
    assert.ok(execs[0]!.stream.destroyed, 'the abandoned stream is closed');
  });
});
