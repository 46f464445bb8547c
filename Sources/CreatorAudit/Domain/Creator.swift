// A creator: a person or brand owning several accounts. Deactivating one pauses its accounts; reactivating resumes
// only the accounts its deactivation paused.

public struct Creator: Sendable {
    public var id: CreatorID
    public var organizationID: OrganizationID
    public var name: String
    public var isActive: Bool
    public var metadata: [String: String]
    public var createdAt: Timestamp
    /// Its linked accounts, read with the row.
    public var accounts = LinkedAccounts()

    public struct LinkedAccounts: Sendable, Equatable {
        public var total = 0
        public var instagram = 0
        public var tiktok = 0
        public var totalFollowers: Int64 = 0
    }
}
