// The tenant. Every tracked account, video, creator and snapshot belongs to exactly one organization.

public struct Organization: Sendable, Equatable {
    public let id: OrganizationID
    public var name: String
    /// Requests per 60-second window per key (the operator's setting).
    public var rateLimit: Int
    /// Maximum tracked accounts; nil = unlimited.
    public var accountQuota: Int?
    public var maxRecentPostsPerAccount: Int
    public var postLookbackDays: Int
    public let createdAt: Timestamp
}
