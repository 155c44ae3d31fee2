import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Archive search and statistics.
 * - `dx_fold(text)`: NFC, diacritics removed (unaccent maps đ/Đ to d/D too), lower case. Immutable, so it can
 *   feed a stored column and an index; queries fold their text the same way, so "ket noi" finds "kết nối".
 * - `dx_date(text)`: an edXML date (yyyy/MM/dd, leniently dd/MM/yyyy) or null when it is not a real date.
 * - Generated columns on archived_package (filled on every insert and for existing rows): `promulgated_on`,
 *   `due_on` (metadata.dueDate) and `search_text` (folded subject + content), with trigram and btree indexes.
 * - `archive_recipient`: one row per (document, recipient) with its latest business status and the first
 *   receipt (01/03) and completion (06) times, kept by a trigger on delivery_history so searching by status
 *   and the statistics never scan the whole history. Events and packages arrive on separate streams, in any
 *   order: the row exists from the first event, and carries the document's sort keys (accepted_at,
 *   promulgation date) once the package is archived, so a recipient's documents come sorted from one index.
 */
/**
 * Advisory lock class (two-key form, apart from the chain's one-key locks) for a document's recipient rows, in
 * 256 buckets so a bulk insert holds at most 256 locks.
 */
const RECIPIENT_LOCK = 0x64786103;

export class ArchiveSearch1733100000000 implements MigrationInterface {
  name = 'ArchiveSearch1733100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS unaccent`);
    await q.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    await q.query(`CREATE OR REPLACE FUNCTION dx_fold(t text) RETURNS text
      LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
      AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, normalize(t, NFC))) $$`);
    await q.query(`CREATE OR REPLACE FUNCTION dx_date(t text) RETURNS date
      LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
      DECLARE m text[];
      BEGIN
        m := regexp_match(t, '^\\s*(\\d{4})[/-](\\d{1,2})[/-](\\d{1,2})');
        IF m IS NOT NULL THEN RETURN make_date(m[1]::int, m[2]::int, m[3]::int); END IF;
        m := regexp_match(t, '^\\s*(\\d{1,2})/(\\d{1,2})/(\\d{4})');
        IF m IS NOT NULL THEN RETURN make_date(m[3]::int, m[2]::int, m[1]::int); END IF;
        RETURN NULL;
      EXCEPTION WHEN others THEN RETURN NULL; -- 2026/02/31 and the like: no date rather than no archive
      END $$`);
    await q.query(`ALTER TABLE archived_package
      ADD COLUMN promulgated_on date GENERATED ALWAYS AS (dx_date(promulgation_date)) STORED,
      ADD COLUMN due_on date GENERATED ALWAYS AS (dx_date(metadata->>'dueDate')) STORED,
      ADD COLUMN search_text text GENERATED ALWAYS AS
        (dx_fold(coalesce(subject, '') || ' ' || coalesce(metadata->>'content', ''))) STORED`);
    await q.query(`CREATE INDEX archived_package_search_trgm_idx ON archived_package
      USING gin (search_text gin_trgm_ops) WHERE message_type = 'edoc'`);
    await q.query(`CREATE INDEX archived_package_accepted_idx ON archived_package (accepted_at, doc_id)
      WHERE message_type = 'edoc'`);
    // Sorting by promulgation date puts undated documents first (ascending): '-infinity' keeps keysets total.
    await q.query(`CREATE INDEX archived_package_promulgated_idx ON archived_package
      ((coalesce(promulgated_on, '-infinity'::date)), doc_id) WHERE message_type = 'edoc'`);
    await q.query(`CREATE INDEX archived_package_code_idx ON archived_package (code_number, code_notation)`);
    await q.query(`CREATE INDEX archived_package_notation_idx ON archived_package (code_notation)`);
    await q.query(`CREATE INDEX archived_package_type_idx ON archived_package (type_name, accepted_at)`);

    await q.query(`CREATE TABLE archive_recipient (
      doc_id uuid NOT NULL,
      recipient_organ_id text NOT NULL,
      first_event_at timestamptz NOT NULL,
      latest_status text,
      latest_status_at timestamptz,
      receipt_at timestamptz,
      completed_at timestamptz,
      accepted_at timestamptz,
      promulgated_key date,
      PRIMARY KEY (doc_id, recipient_organ_id))`);
    // A recipient's documents in either sort order straight from the index (the search by recipient).
    await q.query(`CREATE INDEX archive_recipient_accepted_idx
      ON archive_recipient (recipient_organ_id, accepted_at, doc_id)`);
    await q.query(`CREATE INDEX archive_recipient_promulgated_idx
      ON archive_recipient (recipient_organ_id, promulgated_key, doc_id)`);
    await q.query(`CREATE INDEX archive_recipient_status_idx ON archive_recipient (latest_status, doc_id)`);
    await q.query(`CREATE OR REPLACE FUNCTION dx_track_recipient() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.message_type <> 'edoc' THEN RETURN NULL; END IF; -- status deliveries go back to the sender
        -- Serialises with the package's trigger, so one of the two always sees the other's committed row.
        PERFORM pg_advisory_xact_lock(${RECIPIENT_LOCK}, hashtext(NEW.doc_id::text) & 255);
        INSERT INTO archive_recipient AS r
          (doc_id, recipient_organ_id, first_event_at, latest_status, latest_status_at, receipt_at, completed_at,
           accepted_at, promulgated_key)
        SELECT NEW.doc_id, NEW.recipient_organ_id, NEW.at,
          CASE WHEN NEW.event = 'status' THEN NEW.status_code END,
          CASE WHEN NEW.event = 'status' THEN NEW.at END,
          CASE WHEN NEW.event = 'status' AND NEW.status_code IN ('01', '03') THEN NEW.at END,
          CASE WHEN NEW.event = 'status' AND NEW.status_code = '06' THEN NEW.at END,
          p.accepted_at, CASE WHEN p.doc_id IS NOT NULL THEN coalesce(p.promulgated_on, '-infinity'::date) END
        FROM (SELECT 1) one
        LEFT JOIN archived_package p ON p.doc_id = NEW.doc_id AND p.message_type = 'edoc'
        ON CONFLICT (doc_id, recipient_organ_id) DO UPDATE SET
          first_event_at = least(r.first_event_at, excluded.first_event_at),
          latest_status = CASE
            WHEN excluded.latest_status_at IS NOT NULL
             AND (r.latest_status_at IS NULL OR excluded.latest_status_at >= r.latest_status_at)
            THEN excluded.latest_status ELSE r.latest_status END,
          latest_status_at = greatest(r.latest_status_at, excluded.latest_status_at),
          receipt_at = least(r.receipt_at, excluded.receipt_at),
          completed_at = least(r.completed_at, excluded.completed_at),
          accepted_at = coalesce(r.accepted_at, excluded.accepted_at),
          promulgated_key = coalesce(r.promulgated_key, excluded.promulgated_key);
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER delivery_history_track_recipient AFTER INSERT ON delivery_history
      FOR EACH ROW EXECUTE FUNCTION dx_track_recipient()`);
    // Events may be archived before their package: the package completes the sort keys when it arrives.
    await q.query(`CREATE OR REPLACE FUNCTION dx_recipient_sort_keys() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.message_type = 'edoc' THEN
          PERFORM pg_advisory_xact_lock(${RECIPIENT_LOCK}, hashtext(NEW.doc_id::text) & 255);
          UPDATE archive_recipient SET accepted_at = NEW.accepted_at,
                 promulgated_key = coalesce(NEW.promulgated_on, '-infinity'::date)
           WHERE doc_id = NEW.doc_id;
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER archived_package_recipient_sort_keys AFTER INSERT ON archived_package
      FOR EACH ROW EXECUTE FUNCTION dx_recipient_sort_keys()`);
    // The history recorded before this migration.
    await q.query(`INSERT INTO archive_recipient
        (doc_id, recipient_organ_id, first_event_at, latest_status, latest_status_at, receipt_at, completed_at,
         accepted_at, promulgated_key)
      SELECT h.doc_id, h.recipient_organ_id, min(h.at),
        (SELECT s.status_code FROM delivery_history s
          WHERE s.doc_id = h.doc_id AND s.recipient_organ_id = h.recipient_organ_id AND s.event = 'status'
            AND s.message_type = 'edoc'
          ORDER BY s.at DESC, s.id DESC LIMIT 1),
        max(h.at) FILTER (WHERE h.event = 'status'),
        min(h.at) FILTER (WHERE h.event = 'status' AND h.status_code IN ('01', '03')),
        min(h.at) FILTER (WHERE h.event = 'status' AND h.status_code = '06'),
        (SELECT p.accepted_at FROM archived_package p WHERE p.doc_id = h.doc_id AND p.message_type = 'edoc'),
        (SELECT coalesce(p.promulgated_on, '-infinity'::date) FROM archived_package p
          WHERE p.doc_id = h.doc_id AND p.message_type = 'edoc')
      FROM delivery_history h WHERE h.message_type = 'edoc'
      GROUP BY h.doc_id, h.recipient_organ_id`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER IF EXISTS archived_package_recipient_sort_keys ON archived_package`);
    await q.query(`DROP FUNCTION IF EXISTS dx_recipient_sort_keys()`);
    await q.query(`DROP TRIGGER IF EXISTS delivery_history_track_recipient ON delivery_history`);
    await q.query(`DROP FUNCTION IF EXISTS dx_track_recipient()`);
    await q.query(`DROP TABLE IF EXISTS archive_recipient`);
    for (const i of ['search_trgm', 'accepted', 'promulgated', 'code', 'notation', 'type']) {
      await q.query(`DROP INDEX IF EXISTS archived_package_${i}_idx`);
    }
    await q.query(`ALTER TABLE archived_package DROP COLUMN IF EXISTS search_text,
      DROP COLUMN IF EXISTS due_on, DROP COLUMN IF EXISTS promulgated_on`);
    await q.query(`DROP FUNCTION IF EXISTS dx_date(text)`);
    await q.query(`DROP FUNCTION IF EXISTS dx_fold(text)`);
  }
}
