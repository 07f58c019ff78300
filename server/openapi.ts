/** The OpenAPI document served at /api/openapi.json (kept beside the routes it describes). */

const problem = { description: 'Problem', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } };
const caseDetail = { description: 'Case detail', content: { 'application/json': { schema: { $ref: '#/components/schemas/CaseDetail' } } } };
const versionBody = { type: 'object', properties: { caseVersion: { type: 'integer', description: 'The case version you read; a stale one is refused with 409 STALE_VERSION.' } } };

function op(summary: string, extra: Record<string, unknown> = {}, ok: Record<string, unknown> = { '200': { description: 'OK' } }) {
  return { summary, ...extra, responses: { ...ok, '400': problem, '401': problem, '403': problem, '404': problem, '409': problem } };
}
function jsonBody(schema: Record<string, unknown>) {
  return { requestBody: { required: true, content: { 'application/json': { schema } } } };
}
const caseId = { name: 'id', in: 'path', required: true, schema: { type: 'string' } };
const stepKey = { name: 'stepKey', in: 'path', required: true, schema: { type: 'string' } };
const calendarName = { name: 'name', in: 'path', required: true, schema: { type: 'string' } };
const dryRun = { name: 'dryRun', in: 'query', schema: { type: 'boolean' }, description: 'Report what the change would do (diff, cases that would move) and store nothing.' };

export const openApiDocument = {
  openapi: '3.1.0',
  info: { title: 'quytrinh API', version: '0.1.0', description: 'Procedures, cases (hồ sơ), steps, audit. Errors are application/problem+json with a stable `code`.' },
  servers: [{ url: '/api' }],
  components: {
    securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'qt_session' }, token: { type: 'http', scheme: 'bearer' } },
    schemas: {
      Problem: { type: 'object', required: ['type', 'title', 'status', 'code', 'detail'], properties: { type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer' }, code: { type: 'string', examples: ['STALE_VERSION', 'NOT_FOUND', 'FORBIDDEN', 'VALIDATION', 'INVALID_TRANSITION', 'BPMN_INVALID', 'NOT_ALLOWED'] }, detail: { type: 'string' }, elementId: { type: 'string' }, diagnostics: { type: 'array', items: { type: 'object' } } } },
      Applicant: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, idNumber: { type: 'string' }, phone: { type: 'string' }, email: { type: 'string' }, address: { type: 'string' } } },
      CaseDetail: { type: 'object', properties: { id: { type: 'string' }, code: { type: 'string' }, processId: { type: 'string' }, version: { type: 'integer' }, status: { type: 'string' }, statusCode: { type: 'integer', minimum: 1, maximum: 10 }, clock: { type: 'string', enum: ['running', 'stopped', 'ended'] }, receivedAt: { type: 'string' }, effectiveStart: { type: 'string' }, appointmentAt: { type: ['string', 'null'] }, dueAt: { type: ['string', 'null'] }, timeliness: { type: ['string', 'null'] }, calendar: { type: ['string', 'null'], description: 'The working calendar the case runs on, fixed at receipt: its procedure\'s qt:calendar, else the receiving unit\'s; null = the default.' }, caseVersion: { type: 'integer' }, openSteps: { type: 'array', items: { type: 'object' } }, history: { type: 'array', items: { type: 'object' } }, actions: { type: 'array', items: { type: 'object' } }, active: { type: 'array', items: { type: 'string' } } } },
    },
  },
  security: [{ session: [] }, { token: [] }],
  paths: {
    '/procedures': {
      get: op('List procedures and their versions'),
      post: op('Deploy a BPMN file as a new version (same content → same version)', { requestBody: { required: true, content: { 'text/xml': { schema: { type: 'string' } } } } }, { '201': { description: 'Deployed' }, '200': { description: 'Already deployed' }, '422': problem }),
    },
    '/procedures/validate': { post: op('Validate a draft diagram', { requestBody: { required: true, content: { 'text/xml': { schema: { type: 'string' } } } } }) },
    '/procedures/{processId}/versions/{version}/xml': { get: op('The XML of a version') },
    '/procedures/{processId}/versions/{version}/plan': { get: op('Design-time plan: due instant of each step along the longest path and the appointment', { parameters: [{ name: 'receivedAt', in: 'query', schema: { type: 'string' } }, { name: 'channel', in: 'query', schema: { enum: ['desk', 'online', 'post'] } }] }) },
    '/procedures/{processId}/versions/{version}/retire': { post: op('Retire a version (open cases continue)', {}, { '204': { description: 'Retired' } }) },
    '/procedures/{processId}/migrations/plan': {
      get: op('Dry run: which open cases of a version can move to a newer one, and why the others cannot', { parameters: [{ name: 'from', in: 'query', required: true, schema: { type: 'integer' } }, { name: 'to', in: 'query', required: true, schema: { type: 'integer' } }] }),
      post: op('Dry run for chosen cases', jsonBody({ type: 'object', required: ['from', 'to'], properties: { from: { type: 'integer' }, to: { type: 'integer' }, caseIds: { type: 'array', items: { type: 'string' } } } })),
    },
    '/procedures/{processId}/migrations': {
      post: op('Move the movable open cases to a newer version (each audited as case.migrated); blocked and stale cases are reported and left untouched', jsonBody({ type: 'object', required: ['fromVersion', 'toVersion'], properties: { fromVersion: { type: 'integer' }, toVersion: { type: 'integer' }, caseIds: { type: 'array', items: { type: 'string' } }, expectedCaseVersions: { type: 'object', additionalProperties: { type: 'integer' } } } })),
    },
    '/cases': {
      get: op('List and search cases (cursor pagination)', { parameters: ['status', 'overdue', 'dueSoon', 'unitId', 'processId', 'from', 'to', 'q', 'cursor', 'limit'].map((name) => ({ name, in: 'query', schema: { type: 'string' } })) }),
      post: op('Receive a dossier', jsonBody({ type: 'object', required: ['processId', 'applicant', 'channel', 'unitId'], properties: { processId: { type: 'string' }, version: { type: 'integer' }, applicant: { $ref: '#/components/schemas/Applicant' }, channel: { enum: ['desk', 'online', 'post'] }, unitId: { type: 'string' }, receivedAt: { type: 'string' }, data: { type: 'object' } } }), { '201': caseDetail }),
    },
    '/cases/{id}': { get: op('Case detail with open steps, history and allowed actions', { parameters: [caseId] }, { '200': caseDetail }) },
    '/inbox': { get: op("Open steps of the caller's roles and units, most urgent first") },
    '/cases/{id}/steps/{stepKey}/claim': { post: op('Claim a step', { parameters: [caseId, stepKey], ...jsonBody(versionBody) }, { '200': caseDetail }) },
    '/cases/{id}/steps/{stepKey}/release': { post: op('Release a claimed step', { parameters: [caseId, stepKey], ...jsonBody(versionBody) }, { '200': caseDetail }) },
    '/cases/{id}/steps/{stepKey}/complete': { post: op('Complete a step with an outcome and data', { parameters: [caseId, stepKey], ...jsonBody({ ...versionBody, properties: { ...versionBody.properties, outcome: { type: 'string' }, data: { type: 'object' }, comment: { type: 'string' } } }) }, { '200': caseDetail }) },
    '/cases/{id}/supplement-request': { post: op('Request a supplement: status 5, the clock stops (within 3 working days of receipt)', { parameters: [caseId], ...jsonBody({ type: 'object', required: ['reason'], properties: { caseVersion: { type: 'integer' }, reason: { type: 'string' }, items: { type: 'array', items: { type: 'string' } } } }) }, { '200': caseDetail }) },
    '/cases/{id}/resubmission': { post: op('Record the complete resubmission: the deadline restarts (or resumes in pause mode)', { parameters: [caseId], ...jsonBody(versionBody) }, { '200': caseDetail }) },
    '/cases/{id}/apology': { post: op('Issue the apology and extension letter (BM.04): once per case, at the latest one working day before the appointment', { parameters: [caseId], ...jsonBody({ type: 'object', required: ['reason', 'newAppointmentAt', 'signedBy'], properties: { caseVersion: { type: 'integer' }, reason: { type: 'string' }, newAppointmentAt: { type: 'string' }, signedBy: { type: 'string' } } }) }, { '200': caseDetail }) },
    '/cases/{id}/withdraw': { post: op('The applicant withdraws the dossier (status 7)', { parameters: [caseId] }, { '200': caseDetail }) },
    '/cases/{id}/stop': { post: op('Stop processing (status 8)', { parameters: [caseId] }, { '200': caseDetail }) },
    '/cases/{id}/refuse': { post: op('Refuse at receipt (status 3)', { parameters: [caseId] }, { '200': caseDetail }) },
    '/cases/{id}/audit': { get: op('Step intervals of the case (format=csv|json|xes)', { parameters: [caseId, { name: 'format', in: 'query', schema: { enum: ['csv', 'json', 'xes'] } }] }) },
    '/calendars': {
      get: op('Working calendars (stored, over the built-in ones): name, base, version, years with a notice'),
      post: op('Admin: create a unit calendar inheriting from a base; open cases of procedures naming it are recomputed', { parameters: [dryRun], ...jsonBody({ type: 'object', required: ['name', 'base'], properties: { name: { type: 'string' }, displayName: { type: 'string' }, base: { type: 'string' }, weeklyHours: { type: 'object' } } }) }, { '201': { description: 'As PUT /calendars/{name}/years/{year}' }, '422': problem }),
    },
    '/calendars/{name}': { get: op('One calendar with its exceptional days of a year (days off on weekdays, worked weekend days, with reason and notice number)', { parameters: [calendarName, { name: 'year', in: 'query', schema: { type: 'integer' } }] }) },
    '/calendars/{name}/years/{year}': {
      put: op(
        "Admin: replace the calendar's official notice for the year; the due instants of open cases using it are recomputed and audited (422 DEADLINE_CALENDAR with diagnostics on invalid data, nothing changed)",
        { parameters: [calendarName, { name: 'year', in: 'path', required: true, schema: { type: 'integer' } }, dryRun], ...jsonBody({ type: 'object', required: ['notice'], properties: { notice: { type: 'string', description: 'Document number, e.g. 9441/TB-BNV' }, issuer: { type: 'string' }, issuedOn: { type: 'string', format: 'date' }, source: { type: 'string' }, holidays: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string', format: 'date' } }, description: 'Exact days off per holiday rule key (tet, nationalDay, …)' }, days: { type: 'array', items: { type: 'object', required: ['date', 'working', 'reason'], properties: { date: { type: 'string', format: 'date' }, working: { type: 'boolean' }, hours: { type: 'array', items: { type: 'array', items: { type: 'string' } } }, reason: { type: 'string' }, notice: { type: 'string' } } } }, breaks: { type: 'array', items: { type: 'object', required: ['from', 'to', 'reason'], properties: { from: { type: 'string', format: 'date' }, to: { type: 'string', format: 'date' }, reason: { type: 'string' }, notice: { type: 'string' } } } }, expectedVersion: { type: 'integer' } } }) },
        { '200': { description: '{calendar, diagnostics (warnings), diff:{added, removed, changed}, recomputed:{count, cases}}' }, '422': problem },
      ),
    },
    '/calendars/{name}/weekly-hours': { put: op('Admin: office hours of a unit calendar (one with a base); open cases are recomputed', { parameters: [calendarName, dryRun], ...jsonBody({ type: 'object', required: ['weeklyHours'], properties: { weeklyHours: { type: 'object', description: 'mon…sun → [["07:30","11:30"], …]; [] = rest day' }, expectedVersion: { type: 'integer' } } }) }, { '200': { description: 'As PUT …/years/{year}' }, '422': problem }) },
    '/openapi.json': { get: { summary: 'This document', security: [], responses: { '200': { description: 'OpenAPI 3.1' } } } },
  },
} as const;
