/**
 * Paths matched without regard to case, as IIS does for ASP.NET services (`/bcm/qmiinterface.asmx` reaches
 * `/bcm/QMIInterface.asmx`). Fastify's router is case-sensitive and its `caseSensitive: false` would apply to every
 * route (and lower-case path parameters), so each such endpoint gets, besides its exact static route (the fast path),
 * a second route whose segments are regular expressions matching any case. find-my-way folds regex routes of the same
 * shape into one pattern (`/:a(re)/:b(re)`), so two endpoints with the same shape (`/OII/OII.asmx`,
 * `/OII/IciAgentService.asmx`) would clash; a router constraint, the lower-cased path, tells them apart.
 */
import type { FastifyInstance, RouteOptions } from 'fastify';

const STRATEGY = 'ccgateLowerPath';
const SEGMENT = /^[A-Za-z0-9._~!$&'()*+,;=@-]+$/;

function lowerPath(url: string | undefined): string {
  const u = url ?? '';
  const q = u.indexOf('?');
  return (q === -1 ? u : u.slice(0, q)).toLowerCase();
}

/** Registers the `ccgateLowerPath` router constraint once per server (constraints are instance-wide). */
function ensureStrategy(app: FastifyInstance): void {
  if (app.hasConstraintStrategy(STRATEGY)) return;
  app.addConstraintStrategy({
    name: STRATEGY,
    storage() {
      const handlers = new Map<string, unknown>();
      return {
        get: (value: string) => (handlers.get(value) ?? null) as never,
        set: (value: string, store: unknown) => void handlers.set(value, store),
      };
    },
    deriveConstraint: (req: { url?: string }) => lowerPath(req.url),
    // Routes without this constraint (every other route) still match.
    mustMatchWhenDerived: false,
  });
}

function escapeRegExp(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `/bcm/QMIInterface.asmx` → `/:ci1(^[bB][cC][mM]$)/:ci2(^[qQ]…[xX]$)`. */
export function caseInsensitivePattern(path: string): string {
  return path
    .split('/')
    .map((segment, i) => {
      if (segment === '') return '';
      if (!SEGMENT.test(segment)) throw new Error(`case-insensitive path: segment "${segment}" is not supported`);
      const re = [...segment].map((c) => (/[A-Za-z]/.test(c) ? `[${c.toLowerCase()}${c.toUpperCase()}]` : escapeRegExp(c))).join('');
      return `:ci${i}(^${re}$)`;
    })
    .join('/');
}

/**
 * Adds `route` at its exact path and, when `caseInsensitive`, at every other spelling of its case. The second route is
 * looked up only when the exact one does not match, so the usual request pays nothing.
 */
export function routeAnyCase(app: FastifyInstance, route: RouteOptions, caseInsensitive: boolean): void {
  app.route(route);
  if (!caseInsensitive || !/[A-Za-z]/.test(route.url)) return;
  ensureStrategy(app);
  app.route({ ...route, url: caseInsensitivePattern(route.url), constraints: { [STRATEGY]: route.url.toLowerCase() } });
}
