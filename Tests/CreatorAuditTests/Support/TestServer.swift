// A live CreatorAudit server on a random loopback port, over real TLS with a certificate made for the
// test, driven by AsyncHTTPClient. The same `buildApplication` as `creatoraudit serve`.
import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import NIOSSL
import ServiceLifecycle
@testable import CreatorAudit

struct TestResponse: Sendable {
    let status: Int
    let headers: HTTPHeaders
    let body: String

    var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:] }
    var data: [String: Any] { json["data"] as? [String: Any] ?? [:] }
    var code: String? { json["code"] as? String }
    func header(_ name: String) -> String? { headers.first(name: name) }
}

struct TestServer: Sendable {
    let services: AppServices
    let port: Int
    let scheme: String
    let client: HTTPClient
    let certificatePath: String
    let testDatabase: TestDatabase

    var database: Database { services.database }
    var baseURL: String { "\(scheme)://localhost:\(port)" }

    static func makeClient(
        trusting certificatePath: String?, connectTimeout: TimeAmount = .seconds(5),
        configure: (inout TLSConfiguration) -> Void = { _ in }
    ) throws -> HTTPClient {
        var tls = TLSConfiguration.makeClientConfiguration()
        if let certificatePath {
            tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(certificatePath))
        }
        configure(&tls)
        var configuration = HTTPClient.Configuration(tlsConfiguration: tls)
        configuration.timeout = .init(connect: connectTimeout, read: .seconds(15))
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// A server over a fresh database of `engine`.
    static func run<T: Sendable>(
        _ engine: DatabaseEngine, logger: Logger = TestDatabase.quietLogger,
        configure: (inout ServerSettings) -> Void = { _ in },
        collector: (@Sendable (Database) async throws -> CollectorService)? = nil,
        _ body: @Sendable (TestServer) async throws -> T
    ) async throws -> T {
        try await TestDatabase.with(engine, logger: logger) { testDatabase in
            try await run(on: testDatabase, logger: logger, configure: configure, collector: collector, body)
        }
    }

    /// A server over an existing test database (TLS unless `configure` chooses proxy mode).
    /// `collector`: the collector `serve` would run (none by default).
    static func run<T: Sendable>(
        on testDatabase: TestDatabase, logger: Logger = TestDatabase.quietLogger,
        configure: (inout ServerSettings) -> Void = { _ in },
        collector: (@Sendable (Database) async throws -> CollectorService)? = nil,
        _ body: @Sendable (TestServer) async throws -> T
    ) async throws -> T {
        let files = try SelfSignedCertificate.ensure(in: testDatabase.dataDir + "/tls")
        let tls = try TLSSettings.serverConfiguration(certificatePath: files.certificatePath, keyPath: files.keyPath)
        var settings = ServerSettings(transport: .tls(tls), publicURL: "https://localhost:8443")
        settings.port = 0
        settings.changePollInterval = .milliseconds(100)
        configure(&settings)
        let scheme: String
        if case .tls = settings.transport { scheme = "https" } else { scheme = "http" }
        let services = AppServices(database: testDatabase.database)
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let collectorService = try await collector?(testDatabase.database)
        let app = try buildApplication(
            services: services, settings: settings, logger: logger, collector: collectorService
        ) { channel in
            portContinuation.yield(channel.localAddress?.port ?? 0)
            portContinuation.finish()
        }
        let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else { throw ConfigurationError("server did not start") }
            let client = try makeClient(trusting: files.certificatePath)
            let server = TestServer(
                services: services, port: port, scheme: scheme, client: client,
                certificatePath: files.certificatePath, testDatabase: testDatabase)
            do {
                let result = try await body(server)
                try await client.shutdown()
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
                return result
            } catch {
                try? await client.shutdown()
                await group.triggerGracefulShutdown()
                try? await tasks.waitForAll()
                throw error
            }
        }
    }

    /// Sends one request. `key` becomes `Authorization: Bearer <key>`.
    func request(
        _ method: HTTPMethod = .GET, _ path: String, key: String? = nil, headers: [(String, String)] = [],
        body: String? = nil, using client: HTTPClient? = nil
    ) async throws -> TestResponse {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        if let key { request.headers.add(name: "Authorization", value: "Bearer \(key)") }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body {
            if !headers.contains(where: { $0.0.lowercased() == "content-type" }) {
                request.headers.add(name: "Content-Type", value: "application/json")
            }
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await (client ?? self.client).execute(request, timeout: .seconds(15))
        let bytes = try await response.body.collect(upTo: 4 << 20)
        return TestResponse(status: Int(response.status.code), headers: response.headers, body: String(buffer: bytes))
    }

    func whoami(_ key: String) async throws -> TestResponse { try await request(.GET, "/v2/whoami", key: key) }

    /// Polls until `condition` holds for a whoami response; returns the seconds it took (nil if never within `limit`).
    func secondsUntil(_ key: String, limit: Double = 3, _ condition: (TestResponse) -> Bool) async throws -> Double? {
        let start = ContinuousClock.now
        while true {
            let response = try await whoami(key)
            let elapsed = ContinuousClock.now - start
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            if condition(response) { return seconds }
            if seconds > limit { return nil }
            try await Task.sleep(for: .milliseconds(25))
        }
    }
}
