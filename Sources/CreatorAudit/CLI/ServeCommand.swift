import ArgumentParser
import Foundation
import Hummingbird
import Logging
import Metrics
import NIOSSL

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Run the HTTPS API, the dashboard and the collector.")

    @OptionGroup var storage: StorageOptions

    @Option(help: "Address to listen on (env CREATORAUDIT_HOST).") var host: String?
    @Option(help: "Port to listen on (env CREATORAUDIT_PORT).") var port: Int?
    @Option(help: "PEM certificate chain; with --tls-key replaces the generated development certificate.") var tlsCert: String?
    @Option(help: "PEM private key for --tls-cert.") var tlsKey: String?
    @Option(help: "'off' to serve plain HTTP behind a TLS-terminating proxy (requires --trusted-proxy).") var tls: String?
    @Option(help: "Comma-separated CIDRs of the proxies allowed to connect when --tls off.") var trustedProxy: String?
    @Option(help: "Base of absolute URLs this server writes (default https://HOST:PORT).") var publicURL: String?
    @Option(help: "Requests per minute per client address on unauthenticated routes.") var publicRateLimit: Int = 600
    @Option(help: "Open connections allowed per client address (0: no cap; trusted proxies are exempt).")
    var maxConnectionsPerAddress: Int = ConnectionLimits().maxConnectionsPerAddress
    @Option(help: ArgumentHelp("Failed authentications per minute per client address before it is refused (429).", visibility: .hidden))
    var failedAuthLimit: Int = APIKeyAuthMiddleware.failedAttemptsPerMinute
    @Flag(help: "Serve only: do not refresh tracked accounts and videos here (run `creatoraudit worker` instead).")
    var noCollector = false
    @OptionGroup var collectorOptions: CollectorOptions
    @OptionGroup var sources: SourceOptions
    @Option(help: "Port of the Prometheus metrics listener (plain HTTP, GET /metrics; env CREATORAUDIT_METRICS_PORT).")
    var metricsPort: Int?
    @Option(help: "Address of the metrics listener (default 127.0.0.1; env CREATORAUDIT_METRICS_HOST).")
    var metricsHost: String?
    @Option(help: "File or URL of the keys signing leak reports (docs/secret-scanning.md; env …_SECRET_SCANNING_KEYS).")
    var secretScanningKeys: String?

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let host = host ?? environment["CREATORAUDIT_HOST"] ?? "127.0.0.1"
        let port = port ?? environment["CREATORAUDIT_PORT"].flatMap(Int.init) ?? 8443
        let dataDir = storage.resolvedDataDir
        let level = try storage.makeLogger(default: .info).logLevel
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = try storage.makeLogger(default: .info)

        let transport: TransportMode
        var fingerprint: String?
        if let tls, tls.lowercased() == "off" {
            guard let trustedProxy, !trustedProxy.isEmpty else {
                throw CLIError("--tls off requires --trusted-proxy CIDR[,CIDR…]: plaintext is only served to a trusted proxy")
            }
            switch CIDR.parseList(trustedProxy) {
            case .success(let list): transport = .behindProxy(trustedProxies: list)
            case .failure(let error): throw CLIError("--trusted-proxy: '\(error.entry)' is not an address or CIDR")
            }
        } else {
            if let tls, tls.lowercased() != "on" { throw CLIError("--tls accepts only 'off'") }
            let files = try CertificateFiles.resolve(dataDir: dataDir, certificate: tlsCert, key: tlsKey)
            transport = .tls(try TLSSettings.serverConfiguration(certificatePath: files.certificatePath, keyPath: files.keyPath))
            fingerprint = try TLSSettings.fingerprint(ofPEMFile: files.certificatePath)
        }
        let displayHost = host == "127.0.0.1" || host == "0.0.0.0" || host == "::1" ? "localhost" : host
        let publicURL = (publicURL ?? environment["CREATORAUDIT_PUBLIC_URL"] ?? "https://\(displayHost):\(port)")  // behind a proxy too: clients reach us over HTTPS
            .trimmingCharacters(in: CharacterSet(charactersIn: "/"))

        // Every configuration problem before anything starts.
        let sourceConfiguration = noCollector ? nil : try sources.configuration()
        let collectorSettings = try collectorOptions.settings()

        let database = try await Database.open(try storage.location(), logger: logger)
        let services = AppServices(database: database)
        let collector: CollectorService?
        do {
            try await Migrations.run(on: database, logger: logger)
            if let sourceConfiguration {
                collector = try await CollectorService.prepare(
                    database: database,
                    sources: PlatformSources(configuration: sourceConfiguration, database: database, logger: logger),
                    settings: collectorSettings, holder: "creatoraudit serve", metrics: services.metrics, logger: logger)
            } else {
                collector = nil
            }
        } catch {
            await database.close()
            throw error
        }
        var settings = ServerSettings(transport: transport, publicURL: publicURL)
        settings.host = host
        settings.port = port
        settings.publicRateLimit = publicRateLimit
        settings.failedAuthLimit = failedAuthLimit
        guard maxConnectionsPerAddress >= 0 else { throw CLIError("--max-connections-per-address must be 0 or more") }
        settings.connections.maxConnectionsPerAddress = maxConnectionsPerAddress
        try await configureOperations(&settings, environment: environment, logger: logger)
        // Code using the swift-metrics API reports into the same registry as ours (Observability/ServerMetrics.swift).
        MetricsSystem.bootstrap(services.metrics.factory)
        let storageDescription = (try? storage.location().description) ?? ""
        let fingerprintLine = fingerprint.map { "TLS certificate SHA-256 fingerprint: \($0)" }
        let app = try buildApplication(services: services, settings: settings, logger: logger, collector: collector) {
            channel in
            let boundPort = channel.localAddress?.port ?? port
            var lines = ["CreatorAudit is serving the API at \(publicURL)/v2 (listening on \(host):\(boundPort); \(storageDescription))",
                         "Dashboard: \(publicURL)/"]
            if let fingerprintLine { lines.append(fingerprintLine) }
            if let collector {
                lines.append("Collector: refreshing tracked accounts and videos here — "
                             + collector.sources.configuration.summary.joined(separator: "; "))
            } else {
                lines.append("Collector: off (--no-collector); run `creatoraudit worker` to refresh tracked accounts")
            }
            FileHandle.standardOutput.write(Data((lines.joined(separator: "\n") + "\n").utf8))
        }
        do {
            try await app.runService()
        } catch {
            await database.close()
            throw error
        }
        await database.close()
    }
}

enum CertificateFiles {
    /// The operator's files, or the development certificate under `DATA_DIR/tls` (created on first start).
    static func resolve(dataDir: String, certificate: String?, key: String?) throws -> SelfSignedCertificate.Files {
        switch (certificate, key) {
        case (let certificate?, let key?):
            return .init(certificatePath: certificate, keyPath: key, created: false)
        case (nil, nil):
            try FileManager.default.createDirectory(
                atPath: dataDir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            return try SelfSignedCertificate.ensure(in: dataDir + "/tls")
        default:
            throw CLIError("--tls-cert and --tls-key go together")
        }
    }
}

extension ServeCommand {
    /// The metrics listener and the secret-scanning keys (README, "Operations"; docs/secret-scanning.md).
    func configureOperations(
        _ settings: inout ServerSettings, environment: [String: String], logger: Logger
    ) async throws {
        if let text = metricsPort.map(String.init) ?? environment["CREATORAUDIT_METRICS_PORT"], !text.isEmpty {
            guard let port = Int(text), (0...65535).contains(port) else {
                throw CLIError("--metrics-port must be a port number (0 to 65535)")
            }
            settings.metricsPort = port
            settings.metricsHost = metricsHost ?? environment["CREATORAUDIT_METRICS_HOST"] ?? "127.0.0.1"
            let host = settings.metricsHost
            settings.onMetricsRunning = { port in
                FileHandle.standardOutput.write(Data("Metrics: http://\(host):\(port)/metrics\n".utf8))
            }
        }
        let source = secretScanningKeys ?? environment["CREATORAUDIT_SECRET_SCANNING_KEYS"]
        guard let text = source, !text.isEmpty else { return }
        let keyring = SecretScanningKeyring(source: SecretScanningKeySource(text))
        do {
            try await keyring.load()
        } catch {
            // A file the operator names must be right now; a URL may be briefly unreachable (read again on demand).
            if case .file = keyring.source { throw CLIError("--secret-scanning-keys: \(error)") }
            logger.warning("secret-scanning keys not read yet", metadata: ["source": "\(text)", "error": "\(error)"])
        }
        settings.secretScanningKeys = keyring
    }
}

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "migrate", abstract: "Apply database migrations.")
    @OptionGroup var storage: StorageOptions

    func run() async throws {
        let logger = try storage.makeLogger()
        let database = try await Database.open(try storage.location(), logger: logger)
        let applied: [Int], all: [Int]
        do {
            applied = try await Migrations.run(on: database, logger: logger)
            all = try await Migrations.appliedVersions(on: database)
        } catch {
            await database.close()
            throw error
        }
        await database.close()
        if applied.isEmpty {
            print("Database is up to date (schema version \(all.last ?? 0)).")
        } else {
            print("Applied migrations \(applied.map(String.init).joined(separator: ", ")); schema version \(all.last ?? 0).")
        }
    }
}
