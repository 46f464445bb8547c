// Migration 11: the import journal (Import/ImportJournal.swift). An import applies a checked file in short
// transactions and records here how far it got, so that running the same command again resumes it.
extension Migrations {
    static let imports = Migration(version: 11, name: "import journal", statements: [
        """
        CREATE TABLE imports (
            id TEXT PRIMARY KEY,
            organization_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
            file_sha256 TEXT NOT NULL,
            file_name TEXT NOT NULL,
            status TEXT NOT NULL,
            next_record BIGINT NOT NULL DEFAULT 0,
            accounts BIGINT NOT NULL DEFAULT 0,
            videos BIGINT NOT NULL DEFAULT 0,
            snapshots BIGINT NOT NULL DEFAULT 0,
            started_at BIGINT NOT NULL,
            updated_at BIGINT NOT NULL
        )
        """,
        "CREATE INDEX imports_file ON imports(organization_id, file_sha256, status)",
    ])
}
