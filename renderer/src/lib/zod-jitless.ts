import { config } from 'zod';

/**
 * zod compiles object schemas with `new Function` when it may, and probes whether it may the
 * first time a schema is built. The page's CSP refuses eval, so that probe would be reported as
 * a violation on every start. Interpreted parsing is all the renderer needs. Imported first by
 * main.tsx, before any module that builds a schema.
 */
config({ jitless: true });
