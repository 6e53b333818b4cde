import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkDockerfile } from './rules';
import { parseDockerfile } from './parse';
import { DOCKERFILE_RULES } from '../../../../lib/lesson-format/schema';

const lines = (...l: string[]): string => `${l.join('\n')}\n`;
const found = (text: string, ...rules: (typeof DOCKERFILE_RULES)[number][]): string[] =>
  checkDockerfile(text, rules.length ? rules : DOCKERFILE_RULES).map((v) => `${v.line} ${v.rule}`);

describe('Dockerfile parser', () => {
  test('continuations, comments inside them, and heredocs keep the starting line', () => {
    const file = parseDockerfile(
      lines('# syntax=docker/dockerfile:1', 'FROM busybox:1.36 AS build', 'RUN echo a \\', '  # a comment inside', '    && echo b', 'RUN <<EOF', 'FROM not-a-stage', 'EOF', 'from scratch', 'copy --from=build /a /a'),
    );
    assert.equal(file.stages.length, 2);
    assert.deepEqual(file.stages[0]!.instructions.map((i) => [i.keyword, i.line, i.args]), [
      ['RUN', 3, 'echo a      && echo b'],
      ['RUN', 6, '<<EOF'],
    ]);
    assert.equal(file.stages[0]!.name, 'build');
    assert.deepEqual(file.stages[1]!.instructions.map((i) => [i.keyword, i.line]), [['COPY', 10]]);
  });

  test('the escape directive changes the continuation character', () => {
    const file = parseDockerfile(lines('# escape=`', 'FROM busybox:1.36', 'RUN echo a `', '  echo b', 'CMD ["a"]'));
    assert.deepEqual(file.stages[0]!.instructions.map((i) => [i.keyword, i.line]), [['RUN', 3], ['CMD', 5]]);
  });
});

describe('Dockerfile parser: edges dockerfile-ast decides', () => {
  test('a continued FROM, and a continued JSON-form CMD, are one instruction each', () => {
    const text = lines('FROM busybox:1.36 \\', '  AS build', 'FROM scratch', 'COPY \\', '  --from=build /a /a', 'USER 1', 'CMD [ \\', '  "/a" ]');
    const file = parseDockerfile(text);
    assert.equal(file.stages[0]!.name, 'build');
    assert.deepEqual(file.stages[1]!.instructions.map((i) => [i.keyword, i.line, i.args]), [
      ['COPY', 4, '--from=build /a /a'],
      ['USER', 6, '1'],
      ['CMD', 7, '[    "/a" ]'],
    ]);
    assert.deepEqual(found(text), []);
  });

  test('ARG defaults before the first FROM: quoted, several on one line; an ARG after FROM does not count', () => {
    const text = lines('ARG A=busybox B="1.36"', 'ARG LATER', 'FROM ${A}:${B} AS one', 'ARG LATER=2', 'FROM busybox:$LATER');
    assert.deepEqual([...parseDockerfile(text).globalArgs], [['A', 'busybox'], ['B', '1.36']]);
    assert.deepEqual(found(text, 'pinnedBaseTag'), ['5 pinnedBaseTag']);
  });

  test('heredocs (<<-, quoted delimiters) are the instruction\'s, not the file\'s', () => {
    const text = lines('FROM busybox:1.36 AS build', 'RUN <<-"EOT" bash', '\tFROM not-a-stage', '\tEOT', "COPY <<'EOF' /etc/motd", 'CMD shell form, in a heredoc', 'EOF', 'FROM scratch', 'COPY --from=build /etc/motd /motd');
    const file = parseDockerfile(text);
    assert.equal(file.stages.length, 2);
    assert.deepEqual(file.stages[0]!.instructions.map((i) => [i.keyword, i.line, i.args]), [
      ['RUN', 2, '<<-"EOT" bash'],
      ['COPY', 5, "<<'EOF' /etc/motd"],
    ]);
    assert.deepEqual(found(text, 'execFormCmd', 'multiStage'), []);
  });

  test('parser directives only at the top: a later "# escape=`" is a comment', () => {
    const file = parseDockerfile(lines('FROM busybox:1.36', '# escape=`', 'RUN echo a `', 'CMD ["a"]'));
    assert.deepEqual(file.stages[0]!.instructions.map((i) => [i.keyword, i.line]), [['RUN', 3], ['CMD', 4]]);
  });

  test('CRLF line ends and lower-case keywords', () => {
    assert.deepEqual(found('from busybox:1.36 as b\r\nfrom scratch\r\ncopy --from=b /a /a\r\nuser 1\r\ncmd ["/a"]\r\n'), []);
  });

  test('an invalid reference is not judged for pinning (the build refuses it by itself)', () => {
    assert.deepEqual(found(lines('FROM Busybox', 'FROM busybox@sha256:0'), 'pinnedBaseTag'), []);
  });
});

describe('Dockerfile rules', () => {
  const good = lines(
    'ARG GO=1.22',
    'FROM golang:${GO} AS build',
    'RUN go build -o /app .',
    'FROM gcr.io/distroless/static@sha256:abc AS base',
    'FROM base',
    'COPY --from=build /app /app',
    'USER 65532:65532',
    'ENTRYPOINT ["/app"]',
  );

  test('a file that follows every rule has no violations', () => {
    assert.deepEqual(found(good), []);
  });

  test('multi-stage: one FROM, or a final stage that copies nothing from the others', () => {
    assert.deepEqual(found(lines('FROM busybox:1.36', 'USER 1', 'CMD ["sh"]'), 'multiStage'), ['1 multiStage']);
    const v = checkDockerfile(lines('FROM busybox:1.36 AS a', 'RUN true', 'FROM busybox:1.36', 'COPY x /x'), ['multiStage']);
    assert.equal(v[0]?.line, 3);
    assert.match(v[0]?.message ?? '', /final stage to COPY --from=<an earlier stage>; found 2 stages/);
  });

  test('pinned base tag: no tag, :latest, an ARG without default; stage names, scratch and digests are fine', () => {
    const text = lines('ARG BASE', 'FROM busybox AS a', 'FROM debian:latest', 'FROM ${BASE}', 'FROM registry.local:5000/team/img', 'FROM a', 'FROM scratch', 'FROM busybox:1.36', 'FROM busybox@sha256:0');
    assert.deepEqual(found(text, 'pinnedBaseTag'), ['2 pinnedBaseTag', '3 pinnedBaseTag', '4 pinnedBaseTag', '5 pinnedBaseTag']);
    const [first] = checkDockerfile(text, ['pinnedBaseTag']);
    assert.equal(first?.message, 'expected a pinned tag such as busybox:1.36; found FROM busybox with no tag (it means :latest, which changes under you)');
  });

  test('non-root user: only the final stage counts, and the last USER wins', () => {
    assert.deepEqual(found(lines('FROM a:1 AS b', 'USER app', 'FROM c:1', 'COPY --from=b / /'), 'nonRootUser'), ['3 nonRootUser']);
    assert.deepEqual(found(lines('FROM c:1', 'USER app', 'USER root:root'), 'nonRootUser'), ['3 nonRootUser']);
    assert.deepEqual(found(lines('FROM c:1', 'USER 0'), 'nonRootUser'), ['2 nonRootUser']);
    assert.deepEqual(found(lines('FROM c:1', 'USER root', 'USER nobody'), 'nonRootUser'), []);
  });

  test('no ADD of remote URLs, in any stage and either form; local ADD is fine', () => {
    const text = lines('FROM a:1', 'ADD --chmod=755 https://x.io/tool /usr/bin/tool', 'ADD ["http://x.io/a.tgz", "/a"]', 'ADD local.tgz /srv/', 'ADD git@github.com:me/repo.git /src');
    assert.deepEqual(found(text, 'noRemoteAdd'), ['2 noRemoteAdd', '3 noRemoteAdd', '5 noRemoteAdd']);
  });

  test('exec form CMD/ENTRYPOINT in the final stage, with the JSON to write instead', () => {
    const v = checkDockerfile(lines('FROM a:1 AS b', 'CMD build here', 'FROM a:1', 'ENTRYPOINT ["/app"]', 'CMD python app.py', 'CMD [\'single\', \'quotes\']'), ['execFormCmd']);
    assert.deepEqual(v.map((x) => x.line), [5, 6]);
    assert.equal(v[0]?.message, 'expected exec form, e.g. CMD ["python","app.py"]; found shell form CMD python app.py (it runs under /bin/sh -c, so your program is not PID 1 and misses signals)');
  });

  test('a file without FROM is not a Dockerfile', () => {
    assert.deepEqual(checkDockerfile('echo hello\n', ['multiStage']).map((v) => v.message), ['expected a Dockerfile; found no FROM instruction']);
  });
});
