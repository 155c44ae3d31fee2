/** Request subjects of proto/ that differ only in one token, `<prefix>.*.<op>`, handled as one family. */
export interface TokenSubjects<Op extends string> {
  /** Every call of every token, for the responder's one subscription (`<prefix>.*.*`). */
  wildcard: string;
  /** The subject of `op` for `token` (which the caller has checked). */
  subject(op: Op, token: string): string;
  /** `<prefix>.<token>.<op>` → {token, op}; null for anything else (another shape, token or op). */
  parse(subject: string): { token: string; op: Op } | null;
}

/**
 * The family of `ops` (each a request subject with `*` as its one-before-last token), whose tokens match
 * `token`. Fails at load time when the subjects of proto/ do not have that shape.
 */
export function tokenSubjects<Op extends string>(ops: Record<Op, string>, token: RegExp): TokenSubjects<Op> {
  const prefixes = new Set(
    Object.entries<string>(ops).map(([op, subject]) => {
      const parts = subject.split('.');
      if (parts.length < 3 || parts.at(-2) !== '*' || parts.at(-1) !== op) {
        throw new Error(`request subject ${subject} is not <prefix>.*.${op}`);
      }
      return parts.slice(0, -2).join('.');
    }),
  );
  if (prefixes.size !== 1)
    throw new Error(`request subjects ${Object.values(ops).join(', ')} differ in prefix`);
  const [prefix] = prefixes;
  return {
    wildcard: `${prefix}.*.*`,
    subject: (op, value) => `${prefix}.${value}.${op}`,
    parse(subject) {
      if (!subject.startsWith(`${prefix}.`)) return null;
      const rest = subject.slice(prefix.length + 1).split('.');
      if (rest.length !== 2 || !token.test(rest[0]) || !Object.hasOwn(ops, rest[1])) return null;
      return { token: rest[0], op: rest[1] as Op };
    },
  };
}
