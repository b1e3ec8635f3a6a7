/** `1 commit`, `2 commits`: counts in output agree with their noun. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
