import type { Command } from 'commander';
import type { CliContext } from './context.js';

export function register(program: Command, ctx: CliContext): void {
  program
    .command('explain')
    .description('what an error code means and what to do about it (the text of docs/errors.md)')
    .argument('[code]', 'the code from `error[CODE]: …`, e.g. TAG_CONFLICT; omit to list every code')
    .addHelpText(
      'after',
      `
Examples:
  ferry explain TAG_CONFLICT     meaning, what to do, exit status
  ferry explain                  every code with its one-line meaning
  ferry explain lint_failed      codes are case-insensitive`,
    )
    .action(async (code: string | undefined) => {
      const { ErrorCode, FerryError } = await import('../errors.js');
      const { ERROR_DOCS, exitStatusOf } = await import('../docs/error-docs.js');
      const codes = Object.values(ErrorCode);
      if (code === undefined) {
        ctx.result({ codes: codes.map((c) => ({ code: c, ...ERROR_DOCS[c], exit_status: exitStatusOf(c) })) });
        const { renderTable } = await import('../util/table.js');
        ctx.print(
          renderTable(
            ['code', 'exit', 'meaning'],
            codes.map((c) => [c, exitStatusOf(c), ERROR_DOCS[c].meaning]),
          ),
        );
        return;
      }
      const wanted = code
        .trim()
        .toUpperCase()
        .replace(/^ERROR\[(.*)\]:?$/, '$1');
      const found = codes.find((c) => c === wanted);
      if (!found) {
        const near = codes.filter((c) => c.includes(wanted) || wanted.includes(c));
        throw new FerryError(
          ErrorCode.USAGE,
          `no error code ${JSON.stringify(code)}${near.length ? `; did you mean ${near.join(', ')}?` : ''}`,
          { fix: 'ferry explain   # lists every code' },
        );
      }
      const d = ERROR_DOCS[found];
      ctx.result({ code: found, ...d, exit_status: exitStatusOf(found) });
      const s = ctx.style;
      ctx.print(
        `${s.bold(found)}\n\n${d.meaning}\n\n${s.bold('What to do:')} ${d.action}\n\nExit status ${exitStatusOf(found)}.`,
      );
    });
}
