// Small wrapper types for ids, so an API key id can never be passed where an organization id belongs.
import Foundation

public protocol UUIDIdentifier: Hashable, Sendable, Codable, CustomStringConvertible {
    var uuid: UUID { get }
    init(uuid: UUID)
}

extension UUIDIdentifier {
    public init() { self.init(uuid: UUID()) }
    /// Parses a lowercase or uppercase UUID; nil for anything else.
    public init?(_ string: String) {
        guard let uuid = UUID(uuidString: string) else { return nil }
        self.init(uuid: uuid)
    }
    /// The canonical (lowercase) form used in the database and in JSON.
    public var description: String { uuid.uuidString.lowercased() }
    public init(from decoder: any Decoder) throws {
        let string = try decoder.singleValueContainer().decode(String.self)
        guard let uuid = UUID(uuidString: string) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a UUID"))
        }
        self.init(uuid: uuid)
    }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

public struct OrganizationID: UUIDIdentifier { public let uuid: UUID; public init(uuid: UUID) { self.uuid = uuid } }
public struct APIKeyID: UUIDIdentifier { public let uuid: UUID; public init(uuid: UUID) { self.uuid = uuid } }
public struct MemberID: UUIDIdentifier { public let uuid: UUID; public init(uuid: UUID) { self.uuid = uuid } }
public struct AuditEventID: UUIDIdentifier { public let uuid: UUID; public init(uuid: UUID) { self.uuid = uuid } }
