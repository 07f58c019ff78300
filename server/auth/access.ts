/**
 * Access rules: users hold roles in units; an officer acts only on steps of their roles in their
 * units; reviewers read and export; designers deploy; admins manage users and calendars.
 */
import type { MiddlewareHandler } from 'hono';
import { Problem } from '../errors.ts';
import type { AppEnv, Principal, Role } from './principal.ts';

/** Throws 401 when the request is anonymous; returns the caller otherwise. */
export function principalOrThrow(principal: Principal | undefined): Principal {
  if (!principal) throw new Problem('UNAUTHENTICATED', 'Log in first (POST /api/auth/login) or send an API token.');
  return principal;
}

export function hasRole(principal: Principal, ...roles: readonly Role[]): boolean {
  return principal.roles.some((r) => roles.includes(r.role));
}

/** Middleware: any authenticated user. */
export function requireUser(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    principalOrThrow(c.get('principal'));
    await next();
  };
}

/**
 * Middleware: the caller must hold at least one of the roles (in any unit).
 *
 * @example app.get('/api/audit/verify', requireRole('reviewer', 'admin'), handler)
 */
export function requireRole(...roles: readonly Role[]): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const principal = principalOrThrow(c.get('principal'));
    if (!hasRole(principal, ...roles)) throw new Problem('FORBIDDEN', `This needs one of the roles: ${roles.join(', ')}. Ask an administrator to grant it.`);
    await next();
  };
}

/** The unit ids where the caller holds any of the roles (all roles when none given), without duplicates. */
export function unitsOf(principal: Principal, ...roles: readonly Role[]): string[] {
  return [...new Set(principal.roles.filter((r) => roles.length === 0 || roles.includes(r.role)).map((r) => r.unitId))];
}

/**
 * Whether the caller may work on a step owned by `role` in `unitId`: they must hold that role in
 * that unit. A step that names no unit is open to the role in any unit; a step that names no
 * role is open to officers and unit heads of its unit.
 *
 * @example canActOnStep(principal, { role: 'officer', unitId: 'CB-TTPVHCC' })
 */
export function canActOnStep(principal: Principal, step: { readonly role?: string | null; readonly unitId?: string | null }): boolean {
  const roles: readonly string[] = step.role ? [step.role] : ['officer', 'unitHead'];
  return principal.roles.some((r) => roles.includes(r.role) && (!step.unitId || r.unitId === step.unitId));
}

/** Whether the caller may see a case of `unitId`: reviewers and admins see all; others their units. */
export function canSeeUnit(principal: Principal, unitId: string): boolean {
  return hasRole(principal, 'reviewer', 'admin') || principal.roles.some((r) => r.unitId === unitId);
}
