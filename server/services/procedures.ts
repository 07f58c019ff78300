/**
 * Procedures and their immutable versions. Deploying the same content again returns the same
 * version (idempotent by content hash); a changed diagram becomes the next version; open cases
 * stay on the version they started on.
 */
import type { Diagnostic } from '../../engine/index.ts';
import { Problem, notFound } from '../errors.ts';
import { fromJson } from '../storage/db.ts';
import type { Actor, ServiceDeps } from './context.ts';

export interface DeployResult {
  readonly processId: string;
  readonly version: number;
  readonly hash: string;
  /** False when this exact content was already deployed. */
  readonly created: boolean;
  readonly diagnostics: readonly Diagnostic[];
}

/** Deploys every executable process of a BPMN file; one result per process. */
export async function deployProcedures(deps: ServiceDeps, actor: Actor, xml: string): Promise<DeployResult[]> {
  const { procedures, diagnostics } = await deps.engine.compile(xml);
  if (procedures.length === 0) throw new Problem('VALIDATION', 'The file has no executable process. Mark the process executable (isExecutable="true").', { diagnostics });
  const results: DeployResult[] = [];
  for (const p of procedures) {
    const now = deps.clock.now();
    const result = await deps.db.db.transaction().execute(async (trx) => {
      const existing = await trx.selectFrom('procedure_versions').select(['process_id', 'version']).where('hash', '=', p.hash).executeTakeFirst();
      if (existing) return { processId: existing.process_id, version: existing.version, hash: p.hash, created: false, diagnostics: p.diagnostics };
      await trx
        .insertInto('procedures')
        .values({ process_id: p.processId, name: p.name ?? null, code: p.procedure.code ?? null, created_at: now })
        .onConflict((oc) => oc.column('process_id').doUpdateSet({ name: p.name ?? null, code: p.procedure.code ?? null }))
        .execute();
      const last = await trx.selectFrom('procedure_versions').select('version').where('process_id', '=', p.processId).orderBy('version', 'desc').limit(1).executeTakeFirst();
      const version = (last?.version ?? 0) + 1;
      await trx
        .insertInto('procedure_versions')
        .values({ process_id: p.processId, version, hash: p.hash, xml, compiled: JSON.stringify(p.compiled), procedure: JSON.stringify(p.procedure), diagnostics: JSON.stringify(p.diagnostics), deployed_at: now, deployed_by: actor.username ?? null, retired_at: null })
        .execute();
      return { processId: p.processId, version, hash: p.hash, created: true, diagnostics: p.diagnostics };
    });
    results.push(result);
  }
  return results;
}

/** Every procedure with its versions, newest version first. */
export async function listProcedures(deps: ServiceDeps) {
  const procedures = await deps.db.db.selectFrom('procedures').selectAll().orderBy('process_id').execute();
  const versions = await deps.db.db.selectFrom('procedure_versions').select(['process_id', 'version', 'hash', 'deployed_at', 'retired_at', 'procedure']).orderBy('version', 'desc').execute();
  return procedures.map((p) => {
    const own = versions.filter((v) => v.process_id === p.process_id);
    const latest = own.find((v) => v.retired_at === null) ?? own[0];
    return {
      processId: p.process_id,
      name: p.name,
      code: p.code,
      latestVersion: latest?.version ?? null,
      deadline: latest ? fromJson<{ deadline?: unknown }>(latest.procedure, {}).deadline ?? null : null,
      versions: own.map((v) => ({ version: v.version, hash: v.hash, deployedAt: v.deployed_at, retired: v.retired_at !== null })),
    };
  });
}

export async function procedureXml(deps: ServiceDeps, processId: string, version: number): Promise<string> {
  const row = await deps.db.db.selectFrom('procedure_versions').select('xml').where('process_id', '=', processId).where('version', '=', version).executeTakeFirst();
  if (!row) throw notFound(`Procedure ${processId} version ${version}`);
  return row.xml;
}

/** Retires a version: no new cases start on it; open cases continue. */
export async function retireVersion(deps: ServiceDeps, processId: string, version: number): Promise<void> {
  const result = await deps.db.db.updateTable('procedure_versions').set({ retired_at: deps.clock.now() }).where('process_id', '=', processId).where('version', '=', version).where('retired_at', 'is', null).executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) {
    await procedureXml(deps, processId, version);
  }
}
