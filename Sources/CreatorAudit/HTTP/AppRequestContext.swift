// What middleware establishes for a request: its id, the client's address, and (after authentication) the key and
// the organization's store. API handlers run with `TenantRequestContext`, which cannot exist without them.
import HTTPTypes
import Hummingbird
import HummingbirdCore
import NIOConcurrencyHelpers
import NIOCore

public struct AppRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    let channel: (any Channel)?
    /// `X-Request-ID` of this request (the client's when well-formed, else a new UUID).
    public var requestID: String = ""
    /// The client's address for throttling and audit (see TransportMiddleware).
    public var clientAddress: String = "unknown"
    /// Set by APIKeyAuthMiddleware on authenticated routes, with the store scoped to the key's organization.
    var authenticated: (key: AuthenticatedKey, store: TenantStore)?
    /// An MCP tool call's API request (InProcessAPI): the key its `/mcp` request was verified as moments ago, so
    /// APIKeyAuthMiddleware does not verify the same token twice. Never set from anything a client sends.
    private(set) var inProcessKey: AuthenticatedKey?
    /// Set by the dashboard's SessionMiddleware for a signed-in member.
    public var session: DashboardSession?
    /// Shared with the outermost middleware, which logs and decorates the final response.
    public let facts: RequestFacts

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.channel = source.channel
        self.facts = RequestFacts()
    }

    /// The context of an MCP tool call's API request (InProcessAPI), run on the `/mcp` request's connection: its
    /// request id, client address and facts are the `/mcp` request's — so the rate-limit headers the API request
    /// earns reach the `/mcp` answer — and its key is the one that request was verified as.
    init(inProcessOf outer: AppRequestContext, key: AuthenticatedKey, channel: any Channel) {
        self.coreContext = .init(source: ApplicationRequestContextSource(channel: channel, logger: outer.logger))
        self.channel = channel
        self.facts = outer.facts
        self.requestID = outer.requestID
        self.clientAddress = outer.clientAddress
        self.inProcessKey = key
    }

    /// Whether this is an MCP tool call's API request: the `/mcp` request around it already chose its request id and
    /// client address, and only its own answer is decorated and sent.
    var isInProcess: Bool { inProcessKey != nil }

    public var remoteAddress: SocketAddress? { channel?.remoteAddress }

    /// Bodies over 1 MiB are refused (README, "API conventions").
    public var maxUploadSize: Int { 1 << 20 }
}

/// Mutable per-request facts that inner middleware reports to the outer one (contexts are passed by value).
public final class RequestFacts: Sendable {
    struct Values {
        var organizationID: OrganizationID?
        var keyID: APIKeyID?
        var headers: [(HTTPField.Name, String)] = []
        var clientAddress: String?
    }
    private let values = NIOLockedValueBox(Values())

    func authenticated(_ key: AuthenticatedKey) {
        values.withLockedValue {
            $0.organizationID = key.organizationID
            $0.keyID = key.keyID
        }
    }

    func client(_ address: String) {
        values.withLockedValue { $0.clientAddress = address }
    }

    /// Headers every response to this request carries, error or not (rate limit, cache policy).
    func addHeader(_ name: HTTPField.Name, _ value: String) {
        values.withLockedValue { $0.headers.append((name, value)) }
    }

    /// Several at once: one lock round-trip on the hot path.
    func addHeaders(_ fields: [(HTTPField.Name, String)]) {
        values.withLockedValue { $0.headers.append(contentsOf: fields) }
    }

    var snapshot: Values { values.withLockedValue { $0 } }
}
