// Dockerfile pin editor: exact rewrites, PEP 503 matching, strict --versions parsing.
import { describe, expect, it } from 'vitest';
import {
  argNameFor,
  formatPinEdits,
  formatPinLines,
  normalizeName,
  parseVersions,
  rewriteDockerfilePins,
} from '../src/manifest/dockerfile-pins.js';
import { isFerryError, type FerryError } from '../src/errors.js';

const DOCKERFILE = `FROM python:3.12-slim
# omniintelligence==0.1.0 in a comment is not a pin
ARG OMNIBASE_CORE_VERSION=1.2.0
ARG UNRELATED_VERSION="9.9"
RUN pip install --no-cache-dir omnibase-core==\${OMNIBASE_CORE_VERSION}
RUN uv pip install --system \\
    omniintelligence==0.7.0 \\
    # a comment line inside the continuation
    "omninode-claude[memory]==0.3.0" \\
    requests==2.31.0
RUN pip install Omninode_Memory==0.5.0 && echo done
RUN echo omninode-memory==0.5.0
COPY . /app
`;

describe('rewriteDockerfilePins', () => {
  it('rewrites RUN pip/uv pins (continuations, extras, quotes) and ARG pins, nothing else', () => {
    const r = rewriteDockerfilePins(DOCKERFILE, {
      omniintelligence: '0.8.0',
      'omninode-claude': '0.4.0',
      'omninode.memory': '0.6.1',
      omnibase_core: '1.3.0',
    });
    expect(r.content).toBe(`FROM python:3.12-slim
# omniintelligence==0.1.0 in a comment is not a pin
ARG OMNIBASE_CORE_VERSION=1.3.0
ARG UNRELATED_VERSION="9.9"
RUN pip install --no-cache-dir omnibase-core==\${OMNIBASE_CORE_VERSION}
RUN uv pip install --system \\
    omniintelligence==0.8.0 \\
    # a comment line inside the continuation
    "omninode-claude[memory]==0.4.0" \\
    requests==2.31.0
RUN pip install Omninode_Memory==0.6.1 && echo done
RUN echo omninode-memory==0.5.0
COPY . /app
`);
    expect(r.changed).toBe(true);
    expect(r.pins).toEqual({
      omniintelligence: { from: '0.7.0', to: '0.8.0', matched: true },
      'omninode-claude': { from: '0.3.0', to: '0.4.0', matched: true },
      'omninode.memory': { from: '0.5.0', to: '0.6.1', matched: true },
      omnibase_core: { from: '1.2.0', to: '1.3.0', matched: true },
    });
    expect(formatPinLines(r.pins)).toEqual([
      '  omniintelligence: 0.7.0 -> 0.8.0',
      '  omninode-claude: 0.3.0 -> 0.4.0',
      '  omninode.memory: 0.5.0 -> 0.6.1',
      '  omnibase_core: 1.2.0 -> 1.3.0',
    ]);
  });

  it('is idempotent: already at target → unchanged content, from === to', () => {
    const once = rewriteDockerfilePins(DOCKERFILE, { omniintelligence: '0.8.0' }).content;
    const twice = rewriteDockerfilePins(once, { omniintelligence: '0.8.0' });
    expect(twice.changed).toBe(false);
    expect(twice.pins.omniintelligence).toEqual({ from: '0.8.0', to: '0.8.0', matched: true });
  });

  it('keeps quoted ARG values quoted and CRLF line endings intact', () => {
    const r = rewriteDockerfilePins('ARG FOO_BAR_VERSION="1.0"\r\nRUN pip install \\\r\n  foo-bar==1.0\r\n', {
      'foo.bar': '2.0',
    });
    expect(r.content).toBe('ARG FOO_BAR_VERSION="2.0"\r\nRUN pip install \\\r\n  foo-bar==2.0\r\n');
  });

  it('follows empty continuation lines (docker skips them) and RUN heredoc bodies', () => {
    const src = [
      'FROM python:3.12',
      'RUN pip install a-pkg==1.0 \\',
      '',
      '    b-pkg==1.0',
      'RUN <<EOT',
      'set -e',
      '# c-pkg==0.0.1 is a comment',
      'uv pip install --system c-pkg==1.0 \\',
      '    d-pkg[x]==1.0',
      'EOT',
      'RUN <<-"EOT" bash',
      '\tpip install e-pkg==1.0',
      '\tEOT',
      'RUN echo f-pkg==1.0',
      '',
    ].join('\n');
    const r = rewriteDockerfilePins(
      src,
      { 'b-pkg': '2.0', 'c-pkg': '2.0', 'd-pkg': '2.0', 'e-pkg': '2.0', 'f-pkg': '2.0' },
      { allowUnmatched: true },
    );
    expect(r.content).toBe(
      src
        .replace('b-pkg==1.0', 'b-pkg==2.0')
        .replace('c-pkg==1.0', 'c-pkg==2.0')
        .replace('d-pkg[x]==1.0', 'd-pkg[x]==2.0')
        .replace('e-pkg==1.0', 'e-pkg==2.0'),
    );
    expect(r.content).toContain('# c-pkg==0.0.1 is a comment');
    expect(r.pins['f-pkg']).toEqual({ from: null, to: '2.0', matched: false });
    expect(r.pins['e-pkg']).toEqual({ from: '1.0', to: '2.0', matched: true });
  });

  it('unmatched package → PIN_UNMATCHED naming it; allowUnmatched reports matched:false', () => {
    let err: unknown;
    try {
      rewriteDockerfilePins(
        DOCKERFILE,
        { omniintelligence: '0.8.0', ghost: '1.0.0' },
        { file: 'docker/Dockerfile.runtime' },
      );
    } catch (e) {
      err = e;
    }
    expect(isFerryError(err) && err.code).toBe('PIN_UNMATCHED');
    expect((err as Error).message).toContain('no pin for ghost in docker/Dockerfile.runtime');
    const r = rewriteDockerfilePins(DOCKERFILE, { ghost: '1.0.0' }, { allowUnmatched: true });
    expect(r).toEqual({
      content: DOCKERFILE,
      changed: false,
      pins: { ghost: { from: null, to: '1.0.0', matched: false } },
      edits: [],
      not_in_dockerfile: ['ghost'],
    });
    expect(formatPinLines(r.pins)).toEqual(['  ghost: not in the Dockerfile (not_in_dockerfile), skipped']);
  });
});

describe('names', () => {
  it('normalises per PEP 503 and derives ARG names', () => {
    expect(normalizeName('Omninode__Claude.x')).toBe('omninode-claude-x');
    expect(argNameFor('omninode-claude')).toBe('OMNINODE_CLAUDE_VERSION');
    expect(argNameFor('zope.interface')).toBe('ZOPE_INTERFACE_VERSION');
  });
});

describe('range pins (PEP 440 specifiers)', () => {
  const RANGES = `FROM scratch
RUN pip install "omniintelligence>=0.8.0,<2.0.0" \\
    omnimemory~=0.7 \\
    omniclaude>=1,<2 omnibase-core==1.4.0
`;
  const versions = { omniintelligence: '0.10.0', omnimemory: '0.9.1', omniclaude: '1.5.0', omnibase_core: '1.5.0' };

  it('default: every range becomes ==new (PEP 440 order: 0.10.0 > 0.9), each edit with its line', () => {
    const r = rewriteDockerfilePins(RANGES, versions, { file: 'Dockerfile.runtime' });
    expect(r.content).toBe(`FROM scratch
RUN pip install "omniintelligence==0.10.0" \\
    omnimemory==0.9.1 \\
    omniclaude==1.5.0 omnibase-core==1.5.0
`);
    expect(r.pins.omniintelligence).toEqual({ from: '>=0.8.0,<2.0.0', to: '0.10.0', matched: true });
    expect(r.pins.omnibase_core).toEqual({ from: '1.4.0', to: '1.5.0', matched: true });
    expect(formatPinEdits(r.edits, 'Dockerfile.runtime')).toEqual([
      '  omniintelligence: >=0.8.0,<2.0.0 -> ==0.10.0  (Dockerfile.runtime:2)',
      '  omnimemory: ~=0.7 -> ==0.9.1  (Dockerfile.runtime:3)',
      '  omniclaude: >=1,<2 -> ==1.5.0  (Dockerfile.runtime:4)',
      '  omnibase_core: ==1.4.0 -> ==1.5.0  (Dockerfile.runtime:4)',
    ]);
  });

  it('range_pins floor: keeps each range with the new version as its lower bound', () => {
    const r = rewriteDockerfilePins(RANGES, versions, { rangePins: 'floor' });
    expect(r.content).toBe(`FROM scratch
RUN pip install "omniintelligence>=0.10.0,<2.0.0" \\
    omnimemory>=0.9.1,<1 \\
    omniclaude>=1.5.0,<2 omnibase-core==1.5.0
`);
  });

  const refuse = (v: Record<string, string>, opts = {}): FerryError => {
    try {
      rewriteDockerfilePins(RANGES, v, { file: 'Dockerfile.runtime', ...opts });
    } catch (e) {
      if (isFerryError(e)) return e;
    }
    throw new Error('expected a PIN_CONFLICT');
  };

  it('a version above the upper bound is PIN_CONFLICT naming the line, also with --allow-downgrade', () => {
    const e = refuse({ omniclaude: '2.0.0' }, { allowDowngrade: true });
    expect(e.code).toBe('PIN_CONFLICT');
    expect(e.message).toBe('Dockerfile.runtime:4: omniclaude >=1,<2 does not admit 2.0.0: it is above <2');
    expect(refuse({ omnimemory: '1.0.0' }).message).toContain('Dockerfile.runtime:3: omnimemory ~=0.7 does not admit');
  });

  it('a downgrade is refused unless allowDowngrade', () => {
    expect(refuse({ omnibase_core: '1.3.9' }).message).toContain(
      'Dockerfile.runtime:4: omnibase_core ==1.4.0 would go down to 1.3.9',
    );
    expect(refuse({ omniintelligence: '0.7.9' }).message).toContain('below >=0.8.0');
    const ok = rewriteDockerfilePins(RANGES, { omnibase_core: '1.3.9' }, { allowDowngrade: true });
    expect(ok.content).toContain('omnibase-core==1.3.9');
    const arg = 'FROM scratch\nARG OMNIMEMORY_VERSION=0.10.0\n';
    expect(() => rewriteDockerfilePins(arg, { omnimemory: '0.9.0' })).toThrow(/would go down to 0.9.0/);
  });
});

describe('parseVersions', () => {
  it('parses pkg=version pairs in order', () => {
    expect(
      parseVersions('omniintelligence=0.8.0,omninode-claude=0.4.0,x.y_z=1.0rc1,e=1!2.0.post1.dev3+local.7'),
    ).toEqual({
      omniintelligence: '0.8.0',
      'omninode-claude': '0.4.0',
      'x.y_z': '1.0rc1',
      e: '1!2.0.post1.dev3+local.7',
    });
  });
  const bad = [
    '',
    'a',
    'a=',
    '=1.0',
    'a=1.0,',
    'a=1.0, b=2.0',
    'a b=1.0',
    'a=1.0;rm -rf /',
    'a=$(id)',
    'a=`id`',
    'a=1.0|x',
    '-a=1.0',
    'a=latest',
    'a=1.0,A=2.0',
    'a=1.0\nb=2',
  ];
  for (const spec of bad) {
    it(`rejects ${JSON.stringify(spec)} with USAGE`, () => {
      let err: unknown;
      try {
        parseVersions(spec);
      } catch (e) {
        err = e;
      }
      expect(isFerryError(err) && err.code).toBe('USAGE');
    });
  }
});
