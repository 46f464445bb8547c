// Builds the whole server: router, middleware, controllers and background services.
// `serve` and the tests call the same functions.
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
import NIOSSL
import ServiceLifecycle

/// How the server is reached.
public enum TransportMode: Sendable {
    /// The server speaks TLS itself with this configuration.
    case tls(TLSConfiguration)
    /// Plain HTTP behind a TLS-terminating proxy; only these addresses are served.
    case behindProxy(trustedProxies: [CIDR])
}

public struct ServerSettings: Sendable {
    public var host: String = "127.0.0.1"
    public var port: Int = 8443
    public var transport: TransportMode
    /// Base of every absolute URL we write; never taken from `Host`.
    public var publicURL: String
    /// Requests per minute per client address on unauthenticated routes.
    public var publicRateLimit: Int = 600
    /// Failed authentications per minute per client address before every key from it gets 429 (README: 30).
    /// Raised only for test rigs whose one address legitimately sends many invalid keys (scripts/contract-test).
    public var failedAuthLimit: Int = 30
    public var usageFlushInterval: Duration = .seconds(10)
    public var changePollInterval: Duration = .milliseconds(200)
    public var idleTimeout: TimeAmount = .seconds(60)
    /// The metrics listener (Observability/MetricsListener.swift): nil for none; 0 for any free port.
    public var metricsPort: Int?
    public var metricsHost: String = "127.0.0.1"
    /// Told the metrics listener's bound port once it listens.
    public var onMetricsRunning: @Sendable (Int) async -> Void = { _ in }
    /// The keys that sign leak reports (docs/secret-scanning.md); nil: the route answers 404.
    public var secretScanningKeys: SecretScanningKeyring?
    /// Request-head deadline and connections per client address (HTTP/ConnectionGuard.swift).
    public var connections = ConnectionLimits()

    public init(transport: TransportMode, publicURL: String) {
        self.transport = transport
        self.publicURL = publicURL
    }
}

/// The long-lived pieces shared by the HTTP layer, the background services and the tests.
public struct AppServices: Sendable {
    public let database: Database
    public let verifier: KeyVerifier
    public let usage: UsageRecorder
    public let keyRateLimiter = RateLimiter()
    public let addressRateLimiter = RateLimiter()
    public let failureThrottle = RateLimiter()
    public let routes = RouteTable()
    public let lifecycle: KeyLifecycle
    public let secrets: InstanceSecrets
    /// This server's Prometheus registry (README, "Operations").
    public let metrics = ServerMetrics()

    public init(database: Database) {
        self.database = database
        let verifier = KeyVerifier(database: database)
        self.verifier = verifier
        self.usage = UsageRecorder(database: database)
        self.lifecycle = KeyLifecycle(database: database, onChange: { verifier.invalidateAll() })
        self.secrets = InstanceSecrets(database: database)
        metrics.observe(verifier: verifier, database: database)
    }
}

public func buildRouter(services: AppServices, settings: ServerSettings, logger: Logger) -> Router<AppRequestContext> {
    let router = Router(context: AppRequestContext.self, options: .autoGenerateHeadEndpoints)
    router.add(middleware: RequestMetricsMiddleware(metrics: services.metrics))
    router.add(middleware: ProblemMiddleware(routes: services.routes, logger: logger, htmlErrorPage: Pages.error))
    if case .behindProxy(let proxies) = settings.transport {
        router.add(middleware: TransportMiddleware(trustedProxies: proxies, behindProxy: true))
    } else {
        router.add(middleware: TransportMiddleware(trustedProxies: [], behindProxy: false))
    }
    router.add(middleware: RequestHygieneMiddleware())
    router.add(middleware: QueryControlCharacterMiddleware())

    let root = Routes(group: router.group(), prefix: "", table: services.routes)
    let v2 = root.group("v2", middleware: JSONOnlyMiddleware())
    let open = v2.group(middleware: AddressRateLimitMiddleware(
        rateLimiter: services.addressRateLimiter, limit: settings.publicRateLimit, metrics: services.metrics))
    SystemController(database: services.database, publicURL: settings.publicURL).addRoutes(to: open)
    DocsController().addRoutes(to: open)
    SecretScanningController(
        keyring: settings.secretScanningKeys, lifecycle: services.lifecycle, metrics: services.metrics
    ).addRoutes(to: open)

    // Every handler below runs with a TenantRequestContext: an authenticated key and its organization's store.
    let keyAuth = APIKeyAuthMiddleware(
        verifier: services.verifier, database: services.database, rateLimiter: services.keyRateLimiter,
        failureThrottle: services.failureThrottle, usage: services.usage, failedAttemptsPerMinute: settings.failedAuthLimit,
        metrics: services.metrics)
    let api = v2.group(middleware: keyAuth).transformed(to: TenantRequestContext.self)
    let publicURL = settings.publicURL
    WhoamiController().addRoutes(to: api)
    OrganizationController(onChange: { [verifier = services.verifier] in verifier.invalidateAll() }).addRoutes(to: api)
    AccountController(publicURL: publicURL, secrets: services.secrets).addRoutes(to: api)
    VideoController(publicURL: publicURL, secrets: services.secrets).addRoutes(to: api)
    CreatorController(publicURL: publicURL, secrets: services.secrets).addRoutes(to: api)
    SearchController().addRoutes(to: api)
    AnalyticsController().addRoutes(to: api)
    SnapshotController().addRoutes(to: api)

    // MCP (docs/mcp.md): tool calls run through this same router, once every route is in it.
    let inProcessAPI = InProcessAPI()
    MCPController(services: services, settings: settings, keyAuth: keyAuth, api: inProcessAPI).addRoutes(to: root)
    Dashboard(services: services, publicURL: settings.publicURL).addRoutes(to: root)
    inProcessAPI.install(router.buildResponder())
    return router
}

public func buildApplication(
    services: AppServices, settings: ServerSettings, logger: Logger, collector: CollectorService? = nil,
    onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
) throws -> some ApplicationProtocol {
    let router = buildRouter(services: services, settings: settings, logger: logger)
    let http1 = HTTP1Channel.Configuration(idleTimeout: settings.idleTimeout)
    var limits = settings.connections
    let server: HTTPServerBuilder
    switch settings.transport {
    case .tls(let tls):
        server = try .tls(.guardedHTTP1(configuration: http1, limits: limits, counter: ConnectionCounter()),
                          tlsConfiguration: tls)
    case .behindProxy(let proxies):
        // Every client arrives through the proxy: the per-address cap would cap them all together.
        limits.exempt += proxies
        server = .guardedHTTP1(configuration: http1, limits: limits, counter: ConnectionCounter())
    }
    var app = Application(
        router: router,
        server: server,
        configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: nil),
        onServerRunning: onServerRunning,
        logger: logger)
    app.addServices(
        CredentialChangeWatcher(database: services.database, verifier: services.verifier, logger: logger,
                                pollInterval: settings.changePollInterval),
        UsageFlushService(recorder: services.usage, interval: settings.usageFlushInterval, logger: logger),
        IdempotencyPurgeService(database: services.database, logger: logger))
    if let metricsPort = settings.metricsPort {
        app.addServices(MetricsListener.application(
            metrics: services.metrics, host: settings.metricsHost, port: metricsPort, logger: logger,
            onRunning: settings.onMetricsRunning))
    }
    // Last added, so it stops first after the server: refreshes in flight finish while the database is open.
    if let collector { app.addServices(collector) }
    return app
}
