// The store as one organization sees it (docs/architecture.md, "Tenancy"). A `TenantStore` is made from an
// authenticated key (`TenantRequestContext`), a signed-in member's session, or an operator command naming the
// organization; every repository it hands out adds that organization to each statement itself, and no repository of
// tenant data can be made without one. Its `read`/`write` handles are checked in debug builds (QueryScope).
import SQLKit

public struct TenantStore: Sendable {
    public let organizationID: OrganizationID
    let database: Database

    init(database: Database, organizationID: OrganizationID) {
        self.database = database
        self.organizationID = organizationID
    }

    /// The organization id as it is stored (lowercase UUID text), for the repositories' predicates.
    var id: String { organizationID.description }

    /// Statements outside a transaction, each atomic on its own.
    func read<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await database.read(scope: .tenant(organizationID), body)
    }

    /// One transaction: everything or nothing.
    @discardableResult
    public func write<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await database.write(scope: .tenant(organizationID), body)
    }

    /// One transaction of `durability` (`CommitDurability`: the collector's refreshes are `.collected`).
    @discardableResult
    func write<T: Sendable>(
        durability: CommitDurability, _ body: @escaping @Sendable (any SQLDatabase) async throws -> T
    ) async throws -> T {
        try await database.write(scope: .tenant(organizationID), durability: durability, body)
    }

    /// A read whose rows come back by position (integers and text), for the analytics' hot paths.
    func readValues(_ query: SQLQueryString) async throws -> [[DatabaseValue]] {
        try await database.readValues(scope: .tenant(organizationID), query)
    }

    /// SQLite only: a larger page cache for the writer (64 MiB, bounded — memory stays flat), so a large transaction
    /// (an import) does not spill index pages to the WAL over and over (profiled: most of the import's time with the
    /// 2 MiB default). PostgreSQL manages its own buffers.
    func prepareBulkWrite(in db: any SQLDatabase) async throws {
        guard database.engine == .sqlite else { return }
        try await db.raw("PRAGMA cache_size = -65536").run()
    }

    public var accounts: AccountRepository { AccountRepository(tenant: self) }
    public var videos: VideoRepository { VideoRepository(tenant: self) }
    public var creators: CreatorRepository { CreatorRepository(tenant: self) }
    var search: SearchRepository { SearchRepository(tenant: self) }
    var rollups: RollupRepository { RollupRepository(tenant: self) }
    var levels: LevelRepository { LevelRepository(tenant: self) }
    public var snapshots: SnapshotWriter { SnapshotWriter(tenant: self) }
    var idempotency: IdempotencyRepository { IdempotencyRepository(tenant: self) }
    /// How far each import of a file got (Import/ImportJournal.swift).
    var imports: ImportJournalRepository { ImportJournalRepository(tenant: self) }
    /// The collector's bookkeeping on the organization's subjects.
    public var collection: CollectionRepository { CollectionRepository(tenant: self) }
    /// The organization's own row (settings, limits).
    var organization: OrganizationRepository { OrganizationRepository(database: database) }
}
