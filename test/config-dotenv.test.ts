import { describe, expect, it } from 'vitest';
import { parseDotenv } from '../src/config/dotenv.js';

describe('parseDotenv', () => {
  it('parses plain, quoted, exported and commented entries', () => {
    const text = [
      '# a comment',
      '',
      'A=1',
      'export B=two words  # trailing comment',
      "C='single $HOME \\n kept'",
      'D="double \\"quoted\\" line1\\nline2\\ttab \\\\ back"',
      'E=`back tick`',
      '  F = spaced  ',
      'G=',
      'H=value#not-a-comment',
      'I="a # inside quotes" # after',
      'J=${NOT_EXPANDED} $(not run)',
      'A=override',
    ].join('\n');
    const { values, issues } = parseDotenv(text);
    expect(issues).toEqual([]);
    expect(values).toEqual({
      A: 'override',
      B: 'two words',
      C: 'single $HOME \\n kept',
      D: 'double "quoted" line1\nline2\ttab \\ back',
      E: 'back tick',
      F: 'spaced',
      G: '',
      H: 'value#not-a-comment',
      I: 'a # inside quotes',
      J: '${NOT_EXPANDED} $(not run)',
    });
  });

  it('double-quoted values may span lines; CRLF and a BOM are tolerated', () => {
    const { values, issues } = parseDotenv('\uFEFFKEY="-----BEGIN-----\r\nabc\r\n-----END-----"\r\nNEXT=1\r\n');
    expect(issues).toEqual([]);
    expect(values).toEqual({ KEY: '-----BEGIN-----\nabc\n-----END-----', NEXT: '1' });
  });

  it('reports malformed lines with their line numbers', () => {
    const { values, issues } = parseDotenv('OK=1\njust words\n1BAD=x\nQ="unterminated\n');
    expect(values).toEqual({ OK: '1' });
    expect(issues).toEqual([
      { line: 2, message: 'expected KEY=VALUE' },
      { line: 3, message: 'invalid variable name "1BAD"' },
      { line: 4, message: 'unterminated " quote' },
    ]);
  });

  it('text after a closing quote is an issue', () => {
    const { issues } = parseDotenv('A="x" y\n');
    expect(issues).toEqual([{ line: 1, message: 'unexpected text after closing quote: "y"' }]);
  });
});
