/**
 * The schema, as an ordered list of forward-only migrations. `PRAGMA user_version` holds the
 * number of migrations applied. Append new migrations at the end; never edit an applied one.
 *
 * @module
 */

/** One schema step. */
export interface Migration {
  /** What the step adds, for `tm migrate --status`. */
  description: string;
  /** SQL run inside the migration's write transaction. */
  sql: string;
}

/** Every migration, oldest first. Version N means the first N have been applied. */
export const MIGRATIONS: readonly Migration[] = [
  {
    description: "tasks, dependencies, files, tags, criteria, participants, events, notifications",
    sql: `
      CREATE TABLE tasks (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE CHECK (length(id) = 8),
        title TEXT NOT NULL,
        description TEXT,
        status TEXT NOT NULL
          CHECK (status IN ('pending', 'in_progress', 'blocked', 'completed', 'cancelled')),
        priority TEXT NOT NULL CHECK (priority IN ('low', 'medium', 'high', 'critical')),
        priority_rank INTEGER GENERATED ALWAYS AS (
          CASE priority WHEN 'critical' THEN 3 WHEN 'high' THEN 2 WHEN 'medium' THEN 1 ELSE 0 END
        ) VIRTUAL,
        assignee TEXT,
        created_by TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        started_at TEXT,
        completed_at TEXT,
        deadline TEXT,
        deadline_key TEXT GENERATED ALWAYS AS (coalesce(deadline, '9999-12-31T23:59:59.999Z'))
          VIRTUAL,
        estimated_hours REAL,
        actual_hours REAL,
        claimed_by TEXT,
        claimed_at TEXT,
        lease_expires_at TEXT,
        dependents_count INTEGER NOT NULL DEFAULT 0
      ) STRICT;
      CREATE INDEX tasks_ready
        ON tasks (status, priority_rank DESC, deadline_key, dependents_count DESC, seq);
      CREATE INDEX tasks_status ON tasks (status, seq);
      CREATE INDEX tasks_priority ON tasks (priority, seq);
      CREATE INDEX tasks_assignee ON tasks (assignee, seq) WHERE assignee IS NOT NULL;
      CREATE INDEX tasks_claimed_by ON tasks (claimed_by) WHERE claimed_by IS NOT NULL;
      CREATE INDEX tasks_lease ON tasks (status, lease_expires_at)
        WHERE lease_expires_at IS NOT NULL;

      CREATE TABLE dependencies (
        task_id TEXT NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
        depends_on_id TEXT NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
        created_at TEXT NOT NULL,
        PRIMARY KEY (task_id, depends_on_id)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX dependencies_reverse ON dependencies (depends_on_id, task_id);

      CREATE TABLE task_files (
        task_id TEXT NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        path TEXT NOT NULL,
        line_start INTEGER,
        line_end INTEGER,
        PRIMARY KEY (task_id, position)
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE task_tags (
        task_id TEXT NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
        tag TEXT NOT NULL,
        PRIMARY KEY (task_id, tag)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX task_tags_tag ON task_tags (tag, task_id);

      CREATE TABLE criteria (
        task_id TEXT NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        criterion TEXT NOT NULL,
        measurable TEXT,
        PRIMARY KEY (task_id, position)
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE participants (
        task_id TEXT NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
        agent TEXT NOT NULL,
        role TEXT NOT NULL,
        joined_at TEXT NOT NULL,
        PRIMARY KEY (task_id, agent)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX participants_agent ON participants (agent, task_id);

      -- Events outlive the tasks they mention, so task_id is not a foreign key.
      CREATE TABLE events (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        task_id TEXT,
        type TEXT NOT NULL,
        agent TEXT NOT NULL,
        created_at TEXT NOT NULL,
        data TEXT
      ) STRICT;
      CREATE INDEX events_task ON events (task_id, id);

      CREATE TABLE notifications (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        recipient TEXT NOT NULL,
        event_id INTEGER,
        task_id TEXT,
        type TEXT NOT NULL,
        priority TEXT NOT NULL DEFAULT 'normal' CHECK (priority IN ('normal', 'high')),
        message TEXT NOT NULL,
        created_at TEXT NOT NULL,
        read_at TEXT
      ) STRICT;
      CREATE INDEX notifications_unread ON notifications (recipient, id) WHERE read_at IS NULL;
    `,
  },
  {
    description: "context entries: the ordered, append-only shared context of each task",
    sql: `
      CREATE TABLE context_entries (
        task_id TEXT NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        agent TEXT NOT NULL,
        created_at TEXT NOT NULL,
        type TEXT NOT NULL CHECK (type IN ('share', 'discovery', 'sync', 'document')),
        text TEXT NOT NULL,
        name TEXT,
        request_id TEXT UNIQUE,
        PRIMARY KEY (task_id, seq)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX context_entries_sync ON context_entries (task_id, text) WHERE type = 'sync';
      CREATE INDEX notifications_recipient_event ON notifications (recipient, event_id);
    `,
  },
  {
    description: "agents and their capabilities; capabilities a task requires (routing)",
    sql: `
      CREATE TABLE agents (
        name TEXT PRIMARY KEY,
        registered_by TEXT NOT NULL,
        registered_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE agent_capabilities (
        agent TEXT NOT NULL REFERENCES agents (name) ON DELETE CASCADE,
        capability TEXT NOT NULL,
        PRIMARY KEY (agent, capability)
      ) STRICT, WITHOUT ROWID;

      -- The ready scan probes this per candidate row: (task_id, capability) is its key.
      CREATE TABLE task_capabilities (
        task_id TEXT NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
        capability TEXT NOT NULL,
        PRIMARY KEY (task_id, capability)
      ) STRICT, WITHOUT ROWID;

      -- The lease history of a task, for the lease_lost check on every write, without
      -- walking its progress and heartbeat events.
      CREATE INDEX events_lease_history ON events (task_id, id)
        WHERE type IN ('claimed', 'lease_expired');
    `,
  },
  {
    description:
      "core loop: criteria checks, measured values, progress, completions, feedback, overdue index",
    sql: `
      ALTER TABLE criteria ADD COLUMN status TEXT NOT NULL DEFAULT 'unverified'
        CHECK (status IN ('unverified', 'passed', 'failed'));
      ALTER TABLE criteria ADD COLUMN note TEXT;
      ALTER TABLE criteria ADD COLUMN checked_by TEXT;
      ALTER TABLE criteria ADD COLUMN checked_at TEXT;

      CREATE TABLE task_values (
        task_id TEXT NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        value TEXT NOT NULL,
        set_by TEXT NOT NULL,
        set_at TEXT NOT NULL,
        PRIMARY KEY (task_id, name)
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE progress (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        task_id TEXT NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
        agent TEXT NOT NULL,
        message TEXT NOT NULL,
        percent INTEGER CHECK (percent BETWEEN 0 AND 100),
        created_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX progress_task ON progress (task_id, id);

      CREATE TABLE completions (
        task_id TEXT PRIMARY KEY REFERENCES tasks (id) ON DELETE CASCADE,
        agent TEXT NOT NULL,
        summary TEXT,
        validated INTEGER NOT NULL,
        unverified TEXT NOT NULL,
        completed_at TEXT NOT NULL
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE feedback (
        task_id TEXT NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
        agent TEXT NOT NULL,
        quality INTEGER CHECK (quality BETWEEN 1 AND 5),
        timeliness INTEGER CHECK (timeliness BETWEEN 1 AND 5),
        note TEXT,
        created_at TEXT NOT NULL,
        PRIMARY KEY (task_id, agent)
      ) STRICT, WITHOUT ROWID;

      -- Overdue-first in tm ready: a small range scan of pending tasks past their deadline.
      CREATE INDEX tasks_deadline ON tasks (status, deadline) WHERE deadline IS NOT NULL;
      -- Metrics and reports over a time window.
      CREATE INDEX tasks_completed_at ON tasks (completed_at) WHERE completed_at IS NOT NULL;
      CREATE INDEX tasks_created_at ON tasks (created_at);
    `,
  },
  {
    description: "ready work of one assignee (tm ready --mine) as an index range",
    sql: `
      -- Without it, tm ready --mine walks every pending task in ready order (13 ms at 100k).
      CREATE INDEX tasks_assignee_ready ON tasks
        (assignee, status, priority_rank DESC, deadline_key, dependents_count DESC, seq)
        WHERE assignee IS NOT NULL;
    `,
  },
  {
    description: "remember why a task is blocked, so only dependency blocking clears itself",
    sql: `
      -- 'dependencies' (cleared when the last one completes) or 'manual' (tm update --status
      -- blocked, a worker giving up): kept up by the trigger on every status change, so each
      -- write path gets it right. NULL on a blocked row (older rows, inserts) means
      -- 'dependencies', the old behaviour.
      ALTER TABLE tasks ADD COLUMN blocked_reason TEXT;
      CREATE TRIGGER tasks_blocked_reason AFTER UPDATE OF status ON tasks
      WHEN NEW.status IS NOT OLD.status
      BEGIN
        UPDATE tasks SET blocked_reason = CASE
          WHEN NEW.status <> 'blocked' THEN NULL
          WHEN EXISTS (SELECT 1 FROM dependencies d JOIN tasks t ON t.id = d.depends_on_id
                       WHERE d.task_id = NEW.id AND t.status <> 'completed') THEN 'dependencies'
          ELSE 'manual' END
        WHERE id = NEW.id;
      END;
    `,
  },
  {
    description: "API tokens of tm serve (only their SHA-256 hashes are kept)",
    sql: `
      -- A token names the agent it acts as and what it may do; the token itself is shown
      -- once at creation and never stored. Revoked tokens stay listed (who, when).
      CREATE TABLE api_tokens (
        id TEXT PRIMARY KEY,
        hash TEXT NOT NULL UNIQUE,
        agent TEXT NOT NULL,
        scope TEXT NOT NULL CHECK (scope IN ('read', 'write', 'admin')),
        created_by TEXT NOT NULL,
        created_at TEXT NOT NULL,
        revoked_at TEXT
      ) STRICT, WITHOUT ROWID;
    `,
  },
  {
    description: "task metadata (tm add --meta key:value, --phase, --context)",
    sql: `
      -- Free key/value pairs the original tm took with --meta; tm list --meta filters on them.
      CREATE TABLE task_meta (
        task_id TEXT NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (task_id, key)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX task_meta_key ON task_meta (key, value);
    `,
  },
  {
    description: "full-text search over titles, descriptions and shared context (tm search)",
    sql: `
      -- One row per task (rowid = tasks.seq), kept in step by triggers so every write path
      -- (add, update, import, share, delete) keeps it right without knowing about it.
      CREATE VIRTUAL TABLE task_search USING fts5 (title, description, context);
      INSERT INTO task_search (rowid, title, description, context)
        SELECT seq, title, coalesce(description, ''),
               coalesce((SELECT group_concat(text, ' ') FROM context_entries c
                         WHERE c.task_id = tasks.id), '')
        FROM tasks;
      CREATE TRIGGER task_search_insert AFTER INSERT ON tasks BEGIN
        INSERT INTO task_search (rowid, title, description, context)
          VALUES (NEW.seq, NEW.title, coalesce(NEW.description, ''), '');
      END;
      CREATE TRIGGER task_search_update AFTER UPDATE OF title, description ON tasks BEGIN
        UPDATE task_search SET title = NEW.title, description = coalesce(NEW.description, '')
          WHERE rowid = NEW.seq;
      END;
      CREATE TRIGGER task_search_delete AFTER DELETE ON tasks BEGIN
        DELETE FROM task_search WHERE rowid = OLD.seq;
      END;
      CREATE TRIGGER task_search_context AFTER INSERT ON context_entries BEGIN
        UPDATE task_search SET context = context || ' ' || NEW.text
          WHERE rowid = (SELECT seq FROM tasks WHERE id = NEW.task_id);
      END;
    `,
  },
  {
    description: "retracted shared-context entries (tm retract): kept, hidden from tm context",
    sql: `
      ALTER TABLE context_entries ADD COLUMN retracted_at TEXT;
      ALTER TABLE context_entries ADD COLUMN retracted_by TEXT;
      -- A retracted entry is no longer found by search either.
      CREATE TRIGGER task_search_retract AFTER UPDATE OF retracted_at ON context_entries BEGIN
        UPDATE task_search SET context = coalesce(
          (SELECT group_concat(text, ' ') FROM context_entries c
           WHERE c.task_id = NEW.task_id AND c.retracted_at IS NULL), '')
          WHERE rowid = (SELECT seq FROM tasks WHERE id = NEW.task_id);
      END;
    `,
  },
  {
    description: "archived tasks (tm archive) and tombstones of deleted ones (tm restore-task)",
    sql: `
      -- Archived: finished work out of the default views, still there for --archived, show,
      -- search and export.
      ALTER TABLE tasks ADD COLUMN archived_at TEXT;
      CREATE INDEX tasks_archived ON tasks (archived_at) WHERE archived_at IS NOT NULL;
      -- tm list leaves archived tasks out and lists oldest first: without this, a page of 50
      -- would first walk past every archived task, which are the oldest.
      CREATE INDEX tasks_unarchived ON tasks (seq) WHERE archived_at IS NULL;
      -- A deleted task's full export record, kept 30 days so it can be restored.
      CREATE TABLE deleted_tasks (
        id TEXT PRIMARY KEY,
        deleted_at TEXT NOT NULL,
        deleted_by TEXT NOT NULL,
        record TEXT NOT NULL
      ) STRICT;
      CREATE INDEX deleted_tasks_at ON deleted_tasks (deleted_at);
    `,
  },
  {
    description: "collaboration_events: the original tm's read-only view of shared context",
    sql: `
      -- For scripts written against the original tool that query the database with sqlite3
      -- (its suites count discoveries there). tm itself never reads it. share is the
      -- original's 'update'; retracted entries are left out, as tm context leaves them out.
      -- id is a global number in commit order: the event that recorded the entry.
      -- SQLite only: the PostgreSQL store needs no equivalent, as no original script reaches it.
      CREATE VIEW collaboration_events (
        id, seq, task_id, agent_id, event_type, content, request_id, created_at
      ) AS
        SELECT
          (SELECT e.id FROM events e
           WHERE e.task_id = c.task_id
             AND e.type IN ('shared', 'document_shared', 'discovered', 'sync_point')
             AND json_extract(e.data, '$.seq') = c.seq
           ORDER BY e.id LIMIT 1),
          c.seq, c.task_id, c.agent,
          CASE c.type WHEN 'share' THEN 'update' ELSE c.type END,
          c.text, c.request_id, c.created_at
        FROM context_entries c
        WHERE c.retracted_at IS NULL;
    `,
  },
];

/** The schema version this build of tm writes. */
export const SCHEMA_VERSION: number = MIGRATIONS.length;
