// Every route the API serves, as (method, pattern). Registration goes through `Routes`, so the table is
// complete by construction; it answers 405 + `Allow` for a known path with the wrong method.
import HTTPTypes
import Hummingbird
import HummingbirdCore
import NIOConcurrencyHelpers

public final class RouteTable: Sendable {
    private let entries = NIOLockedValueBox([(method: HTTPRequest.Method, pattern: String)]())

    public init() {}

    func add(_ method: HTTPRequest.Method, _ pattern: String) {
        entries.withLockedValue { $0.append((method, pattern)) }
    }

    public var all: [(method: String, pattern: String)] {
        entries.withLockedValue { $0.map { ($0.method.rawValue, $0.pattern) } }
    }

    /// Methods served for `path` (HEAD wherever GET is); empty when no route matches the path at all.
    func allowedMethods(for path: String) -> [String] {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true)
        var methods: [String] = []
        let all = entries.withLockedValue { $0 }
        // A path that names a static route (`/v2/accounts/metrics`) is that route, not `{id}` with a bad id.
        let exact = all.filter { !$0.pattern.contains("{") && Self.matches($0.pattern, segments) }
        for entry in (exact.isEmpty ? all : exact) where Self.matches(entry.pattern, segments) {
            methods.append(entry.method.rawValue)
            if entry.method == .get { methods.append("HEAD") }
        }
        var seen = Set<String>()
        return methods.filter { seen.insert($0).inserted }
    }

    static func matches(_ pattern: String, _ segments: [Substring]) -> Bool {
        let parts = pattern.split(separator: "/", omittingEmptySubsequences: true)
        guard parts.count == segments.count else { return false }
        return zip(parts, segments).allSatisfy { part, segment in part.hasPrefix("{") || part.hasPrefix(":") || part == segment }
    }
}

/// A router group plus its path prefix, recording each route in the table as it is added.
struct Routes<Context: RequestContext> {
    let group: RouterGroup<Context>
    let prefix: String
    let table: RouteTable

    func group(_ path: String = "", middleware: (any MiddlewareProtocol<Request, Response, Context>)? = nil) -> Routes<Context> {
        var inner = path.isEmpty ? group.group() : group.group(RouterPath(path))
        if let middleware { inner = inner.add(middleware: middleware) }
        return Routes(group: inner, prefix: path.isEmpty ? prefix : prefix + "/" + path, table: table)
    }

    /// The same routes, with handlers that get a child context (for the API: `TenantRequestContext`).
    func transformed<Child: ChildRequestContext>(to child: Child.Type) -> Routes<Child> where Child.ParentContext == Context {
        Routes<Child>(group: group.group(context: Child.self), prefix: prefix, table: table)
    }

    func on(
        _ method: HTTPRequest.Method, _ path: String,
        use handler: @escaping @Sendable (Request, Context) async throws -> Response
    ) {
        table.add(method, path.isEmpty ? prefix : prefix + "/" + path)
        group.on(RouterPath(path), method: method, use: handler)
    }
}
