/**
 * OpenAPI path items of the auth, users/units/tokens, audit and documents routes, relative to
 * the document's `/api` server. server/openapi.ts spreads them into its `paths`.
 */
const problem = { description: 'Problem', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } };
const errors = { '400': problem, '401': problem, '403': problem, '404': problem, '409': problem };
const json = (schema: Record<string, unknown>) => ({ required: true, content: { 'application/json': { schema } } });
const path = (name: string) => ({ name, in: 'path', required: true, schema: { type: 'string' } });
const query = (names: readonly string[]) => names.map((name) => ({ name, in: 'query', schema: { type: 'string' } }));
const grant = { type: 'object', required: ['role', 'unitId'], properties: { role: { enum: ['designer', 'officer', 'unitHead', 'reviewer', 'admin'] }, unitId: { type: 'string' } } };
const user = { type: 'object', properties: { id: { type: 'string' }, username: { type: 'string' }, displayName: { type: 'string' }, active: { type: 'boolean' }, roles: { type: 'array', items: grant } } };
const ok = (description: string, schema?: Record<string, unknown>) => ({ description, ...(schema && { content: { 'application/json': { schema } } }) });

export const accessOpenApiPaths = {
  '/auth/login': {
    post: {
      summary: 'Log in: sets the HttpOnly qt_session cookie; send the returned csrfToken as x-csrf-token on state-changing requests',
      security: [],
      requestBody: json({ type: 'object', required: ['username', 'password'], properties: { username: { type: 'string' }, password: { type: 'string' } } }),
      responses: { '200': ok('Logged in', { type: 'object', properties: { user, csrfToken: { type: 'string' } } }), ...errors },
    },
  },
  '/auth/logout': { post: { summary: 'Log out (ends the session)', responses: { '204': ok('Logged out'), ...errors } } },
  '/auth/me': { get: { summary: 'The caller and the CSRF token of the session (null with an API token)', responses: { '200': ok('The caller', { type: 'object', properties: { user, csrfToken: { type: ['string', 'null'] } } }), ...errors } } },
  '/units': {
    get: { summary: 'List units', responses: { '200': ok('Units'), ...errors } },
    post: { summary: 'Create a unit (admin); its id is its code', requestBody: json({ type: 'object', required: ['code', 'name'], properties: { code: { type: 'string' }, name: { type: 'string' }, parentId: { type: ['string', 'null'] }, calendar: { type: ['string', 'null'] } } }), responses: { '201': ok('Created'), ...errors } },
  },
  '/units/{id}': { patch: { summary: 'Rename, re-parent or change the calendar of a unit (admin)', parameters: [path('id')], requestBody: json({ type: 'object' }), responses: { '200': ok('Updated'), ...errors } } },
  '/users': {
    get: { summary: 'List users with their roles (admin)', responses: { '200': ok('Users', { type: 'array', items: user }), ...errors } },
    post: { summary: 'Create a user (admin; audited)', requestBody: json({ type: 'object', required: ['username', 'displayName', 'password'], properties: { username: { type: 'string' }, displayName: { type: 'string' }, password: { type: 'string', minLength: 8 }, roles: { type: 'array', items: grant }, active: { type: 'boolean' } } }), responses: { '201': ok('Created', user), ...errors } },
  },
  '/users/{id}': {
    get: { summary: 'A user (admin)', parameters: [path('id')], responses: { '200': ok('The user', user), ...errors } },
    patch: { summary: 'Change name, password, roles or active (admin; audited; disabling ends sessions)', parameters: [path('id')], requestBody: json({ type: 'object' }), responses: { '200': ok('Updated', user), ...errors } },
  },
  '/users/{id}/tokens': {
    get: { summary: "A user's API tokens (admin)", parameters: [path('id')], responses: { '200': ok('Tokens'), ...errors } },
    post: { summary: 'Create an API token (admin); the token is in this response only', parameters: [path('id')], requestBody: json({ type: 'object', required: ['name'], properties: { name: { type: 'string' } } }), responses: { '201': ok('Created'), ...errors } },
  },
  '/users/{id}/tokens/{tokenId}': { delete: { summary: 'Revoke an API token (admin)', parameters: [path('id'), path('tokenId')], responses: { '204': ok('Revoked'), ...errors } } },
  '/audit/verify': { get: { summary: 'Check every audit hash chain; names the first broken event (reviewer, admin)', responses: { '200': ok('Result', { type: 'object', properties: { ok: { type: 'boolean' }, cases: { type: 'integer' }, events: { type: 'integer' }, firstBroken: { type: 'object' } } }), ...errors } } },
  '/audit/export': { get: { summary: 'Step-time audit export: CSV (UTF-8 BOM), JSON or XES (reviewer, admin)', parameters: query(['format', 'processId', 'version', 'from', 'to']), responses: { '200': ok('The export'), ...errors } } },
  '/audit/statistics': { get: { summary: 'Per-step working-time statistics of a procedure', parameters: query(['processId', 'version', 'from', 'to']), responses: { '200': ok('Statistics'), ...errors } } },
  '/audit/review': { get: { summary: 'Simplification review of two versions (Decision 1085/QĐ-TTg)', parameters: query(['processId', 'before', 'after']), responses: { '200': ok('Review'), ...errors } } },
  '/audit/report': { get: { summary: 'Periodic one-stop statistics table per receiving unit (reviewer, admin)', parameters: query(['from', 'to', 'processId']), responses: { '200': ok('Rows per unit and a total row'), ...errors } } },
  '/cases/{id}/documents/{form}': {
    get: {
      summary: 'Printable form of a case: receipt (BM.01), supplement (BM.02), refusal (BM.03), apology (BM.04), control-slip (BM.05)',
      parameters: [path('id'), { name: 'form', in: 'path', required: true, schema: { enum: ['receipt', 'supplement', 'refusal', 'apology', 'control-slip'] } }],
      responses: { '200': { description: 'Print-ready HTML', content: { 'text/html': { schema: { type: 'string' } } } }, ...errors },
    },
  },
  '/documents/register': {
    get: {
      summary: 'The dossier register (BM.06 Sổ theo dõi hồ sơ) of a receiving unit for a period',
      parameters: query(['unitId', 'from', 'to']),
      responses: { '200': { description: 'Print-ready HTML', content: { 'text/html': { schema: { type: 'string' } } } }, ...errors },
    },
  },
} as const;
