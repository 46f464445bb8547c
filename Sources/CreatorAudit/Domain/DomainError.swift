// What the domain and the Store report when a request cannot be carried out. They know nothing of HTTP:
// `ProblemMiddleware.translate` (HTTP/ProblemMiddleware.swift) is the one place these become problem documents.

/// A field that failed validation, with a message that never echoes the value.
public struct FieldError: Sendable, Equatable, Codable {
    public let field: String
    public let message: String
    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }
}

/// A rule of the product refused the operation.
public struct DomainError: Error, Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// The subject does not exist for this organization (another organization's ids answer the same).
        case notFound
        /// The operation contradicts the current state (a duplicate, a link owned elsewhere, a key in flight).
        case conflict
        /// Input that breaks a rule; `errors` names every field.
        case invalid
        /// The organization's account quota is reached.
        case quotaExceeded
        /// The actor may not do this (a member's role).
        case forbidden
    }

    public let kind: Kind
    /// Human text for the problem's `detail`; never echoes input values.
    public let detail: String
    public var errors: [FieldError]

    public init(_ kind: Kind, _ detail: String, errors: [FieldError] = []) {
        self.kind = kind
        self.detail = detail
        self.errors = errors
    }

    public static func notFound(_ what: String = "resource") -> DomainError {
        DomainError(.notFound, "The \(what) does not exist.")
    }
    public static func conflict(_ detail: String) -> DomainError { DomainError(.conflict, detail) }
    public static func invalid(_ errors: [FieldError]) -> DomainError {
        DomainError(.invalid, "The request has invalid fields; see errors.", errors: errors)
    }
}

/// A stored row that does not decode into its model. Never papered over with invented values: the request fails
/// with a 500 and one log line naming the table and column (ProblemMiddleware).
public struct CorruptRow: Error, Sendable, Equatable, CustomStringConvertible {
    public let table: String
    public let column: String
    public init(table: String, column: String) {
        self.table = table
        self.column = column
    }
    public var description: String { "corrupt row in \(table): column \(column) does not decode" }
}
