/**
 * Thiết lập của khối: the council sets up every bloc; a bloc's secretariat sets up its own bloc only (its template,
 * its rulebook and its periods; units and blocs stay with the council). A template or rulebook belongs to the bloc
 * its first version was published for (`bloc_id`, migration 0007; NULL for the council's, which any bloc may use).
 */

import type { Principal } from "./auth.ts";
import { ApiError } from "./errors.ts";

type Versioned = "templates" | "rulebooks";

/**
 * The bloc a setup write is made for: the one named (`?blocId=`, or a period's bloc) or, for a secretariat, its own.
 * A secretariat naming another bloc gets 403 SETUP_OTHER_BLOC.
 */
export function setupBlocOf(me: Principal, named: string | null, what: string): string | null {
  if (me.role !== "secretariat") return named;
  const bloc = named ?? me.blocId;
  if (!bloc || bloc !== me.blocId) throw new ApiError(403, "SETUP_OTHER_BLOC", { what });
  return bloc;
}

/**
 * A secretariat may publish a new version of a template or rulebook only if it is its own bloc's (or a new id):
 * one read, made for secretariats only (the council publishes any, without a read first).
 */
export async function checkVersionedOwner(
  db: D1Database,
  me: Principal,
  table: Versioned,
  id: string,
  version: number,
): Promise<void> {
  if (me.role !== "secretariat") return;
  const first = await db
    .prepare(`SELECT bloc_id AS blocId FROM ${table} WHERE id = ? ORDER BY version LIMIT 1`)
    .bind(id)
    .first<{ blocId: string | null }>();
  if (first && first.blocId !== me.blocId)
    throw new ApiError(403, "SETUP_OTHER_BLOC", { what: `${table}/${id}/versions/${version}` });
}

/**
 * Records whose a version just inserted is, in the same batch: the bloc of the id's earlier versions if there are
 * any (an id keeps its owner), else the bloc it was published for.
 */
export function ownVersioned(db: D1Database, table: Versioned, id: string, version: number, blocId: string | null) {
  return db
    .prepare(
      `UPDATE ${table} SET bloc_id = CASE
         WHEN EXISTS (SELECT 1 FROM ${table} WHERE id = ?1 AND version <> ?2)
         THEN (SELECT bloc_id FROM ${table} WHERE id = ?1 AND version <> ?2 ORDER BY version LIMIT 1)
         ELSE ?3 END
       WHERE id = ?1 AND version = ?2`,
    )
    .bind(id, version, blocId);
}
