// The context of every authenticated API handler (docs/architecture.md, "The way of a request"). It can only be
// made from a request that APIKeyAuthMiddleware authenticated, so a handler that runs at all holds the key and a
// store scoped to the key's organization — and never reads an organization from the request.
import Hummingbird
import HummingbirdCore
import NIOCore

struct TenantRequestContext: ChildRequestContext, RemoteAddressRequestContext {
    typealias ParentContext = AppRequestContext

    var coreContext: CoreRequestContextStorage
    let requestID: String
    let clientAddress: String
    let facts: RequestFacts
    let remoteAddress: SocketAddress?
    /// The API key the request authenticated with.
    let key: AuthenticatedKey
    /// The key's organization's data, and only that.
    let store: TenantStore

    init(context: AppRequestContext) throws {
        guard let authenticated = context.authenticated else {
            // Unreachable behind APIKeyAuthMiddleware; refusing is the safe answer if the wiring is ever wrong.
            throw APIError(.unauthorized, "Authentication is required.")
        }
        self.coreContext = context.coreContext
        self.requestID = context.requestID
        self.clientAddress = context.clientAddress
        self.facts = context.facts
        self.remoteAddress = context.remoteAddress
        self.key = authenticated.key
        self.store = authenticated.store
    }

    var organizationID: OrganizationID { store.organizationID }
    var maxUploadSize: Int { 1 << 20 }
}
