-- The schema of nyttolib's SQLite database before Alembic (commit 7917eae), for the upgrade-in-place test.
CREATE TABLE IF NOT EXISTS assessments (
    id TEXT PRIMARY KEY,
    created_at TEXT NOT NULL,
    head_revision INTEGER NOT NULL,
    deleted_at TEXT
);
CREATE TABLE IF NOT EXISTS revisions (
    assessment_id TEXT NOT NULL REFERENCES assessments(id),
    revision INTEGER NOT NULL,
    saved_at TEXT NOT NULL,
    schema_version INTEGER NOT NULL,
    name TEXT NOT NULL,
    stage TEXT,
    completeness_percent REAL,
    note TEXT NOT NULL DEFAULT '',
    document TEXT NOT NULL,
    PRIMARY KEY (assessment_id, revision)
);
CREATE TABLE IF NOT EXISTS drafts (
    assessment_id TEXT PRIMARY KEY,
    saved_at TEXT NOT NULL,
    fields TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS workshops (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    questionnaire_id TEXT NOT NULL,
    held_on TEXT,
    join_hash TEXT NOT NULL UNIQUE,
    facilitator_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    closed_at TEXT,
    join_sealed TEXT
);
CREATE TABLE IF NOT EXISTS workshop_responses (
    workshop_id TEXT NOT NULL REFERENCES workshops(id),
    token_hash TEXT NOT NULL UNIQUE,
    role TEXT,
    subject TEXT,
    answers TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    submitted_at TEXT,
    name TEXT,
    PRIMARY KEY (workshop_id, token_hash)
);
CREATE TABLE IF NOT EXISTS workshop_facilitation (
    workshop_id TEXT PRIMARY KEY REFERENCES workshops(id),
    document TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS workshop_comparisons (
    workshop_id TEXT NOT NULL REFERENCES workshops(id),
    earlier_id TEXT NOT NULL REFERENCES workshops(id),
    PRIMARY KEY (workshop_id, earlier_id)
);
CREATE TABLE IF NOT EXISTS workshop_facilitation_records (
    workshop_id TEXT NOT NULL REFERENCES workshops(id),
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT,
    revision INTEGER NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (workshop_id, kind, key)
)
;
