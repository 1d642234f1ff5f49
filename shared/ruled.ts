import { z } from 'zod';

/** A zod string checked by one of shared/names.ts's rules, whose message states the rule. */
export function ruled(problem: (value: string) => string | null) {
  return z.string().superRefine((value, ctx) => {
    const p = problem(value);
    if (p) ctx.addIssue({ code: 'custom', message: p });
  });
}
