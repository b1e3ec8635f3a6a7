// Compile-time proof that a zod schema (the published JSON Schema) and the hand-written interface the
// code builds describe the same JSON: `npm run typecheck` fails the moment one changes without the other.

/** true when A and B are mutually assignable. */
export type SameShape<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/** Fails to compile unless T is true. */
export type Assert<T extends true> = T;
