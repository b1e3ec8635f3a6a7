// CLI entry: placeholder until the command registry lands.
export async function main(argv: string[]): Promise<void> {
  if (argv.includes('--version')) console.log('0.1.0');
}
