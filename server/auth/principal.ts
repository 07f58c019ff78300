/** Who is calling: resolved from the session cookie or an API token by the auth middleware. */
export const ROLES = ['designer', 'officer', 'unitHead', 'reviewer', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface Principal {
  readonly userId: string;
  readonly username: string;
  readonly displayName: string;
  /** Each role is held in one unit; an officer acts only on steps of their roles in their units. */
  readonly roles: readonly { readonly role: Role; readonly unitId: string }[];
}

/** Hono environment shared by every route and middleware. */
export type AppEnv = {
  Variables: {
    principal: Principal | undefined;
    requestId: string;
    /** How the caller authenticated (cookie session or API token); set beside `principal`. */
    authSession: AuthSession | undefined;
  };
};

/** How the caller authenticated; set by the auth middleware beside `principal`. */
export interface AuthSession {
  readonly via: 'cookie' | 'token';
  /** Cookie sessions: the stored session id (SHA-256 of the cookie) and its CSRF token. */
  readonly sessionId?: string;
  readonly csrfToken?: string;
  /** Bearer tokens: the API token's id. */
  readonly tokenId?: string;
}

