// The one HTTP client of the platform sources (AsyncHTTPClient), with the rules every platform request follows:
// a deadline per request, a cap on the answer's size, no redirects (a redirect could carry the Authorization
// header elsewhere), and every transport failure — refused connection, timeout, truncated body — reported as a
// retryable `PlatformSourceError.upstream`. Logs name the method, host-relative path (no query string),
// status and duration; never a header or a body (docs/collection.md).
import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// Timeouts and limits of platform requests.
public struct PlatformHTTPSettings: Sendable, Equatable {
    /// The whole request, from connecting to the last byte of the answer.
    public var requestTimeoutSeconds: Int64
    public var connectTimeoutSeconds: Int64
    /// Connections per platform host (keep it at least the governors' concurrency).
    public var maxConnectionsPerHost: Int
    /// Answers larger than this are refused (a page of posts is a few hundred kilobytes).
    public var maxBodyBytes: Int

    public init(
        requestTimeoutSeconds: Int64 = 20, connectTimeoutSeconds: Int64 = 5, maxConnectionsPerHost: Int = 32,
        maxBodyBytes: Int = 8 << 20
    ) {
        self.requestTimeoutSeconds = requestTimeoutSeconds
        self.connectTimeoutSeconds = connectTimeoutSeconds
        self.maxConnectionsPerHost = maxConnectionsPerHost
        self.maxBodyBytes = maxBodyBytes
    }
}

/// A platform's answer: status, headers and the whole body.
struct PlatformHTTPResponse: Sendable {
    let status: Int
    let headers: HTTPHeaders
    let body: ByteBuffer

    func header(_ name: String) -> String? { headers.first(name: name) }

    /// `Retry-After` in seconds (delta-seconds or an HTTP date), when sent.
    func retryAfter(now: Double) -> Double? {
        guard let value = header("Retry-After")?.trimmingCharacters(in: .whitespaces), !value.isEmpty else {
            return nil
        }
        if let seconds = Double(value), seconds >= 0 { return seconds }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: value) else { return nil }
        return max(0, date.timeIntervalSince1970 - now)
    }
}

public final class PlatformHTTPClient: Sendable {
    let client: HTTPClient
    let settings: PlatformHTTPSettings

    public init(settings: PlatformHTTPSettings = PlatformHTTPSettings()) {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        configuration.timeout = .init(
            connect: .seconds(settings.connectTimeoutSeconds),
            read: .seconds(settings.requestTimeoutSeconds))
        configuration.connectionPool = .init(
            idleTimeout: .seconds(60),
            concurrentHTTP1ConnectionsPerHostSoftLimit: settings.maxConnectionsPerHost)
        configuration.decompression = .enabled(limit: .size(settings.maxBodyBytes))
        self.client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        self.settings = settings
    }

    /// Closes the connections; call once when the sources are no longer used.
    public func shutdown() async {
        try? await client.shutdown()
    }

    /// Sends one request. `label` names the source in logs. Throws only `PlatformSourceError.upstream` (and
    /// `CancellationError`): an answer with any status is returned, for the source to interpret.
    func send(
        _ method: HTTPMethod, _ url: String, headers: [(String, String)] = [], body: [UInt8]? = nil,
        label: String, logger: Logger
    ) async throws -> PlatformHTTPResponse {
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers.add(name: "User-Agent", value: "CreatorAudit")
        request.headers.add(name: "Accept", value: "application/json")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        let path = Self.pathForLogs(url)
        let started = ContinuousClock.now
        func milliseconds() -> Int {
            let elapsed = ContinuousClock.now - started
            return Int(elapsed.components.seconds * 1_000 + elapsed.components.attoseconds / 1_000_000_000_000_000)
        }
        do {
            let response = try await client.execute(request, timeout: .seconds(settings.requestTimeoutSeconds))
            let body = try await response.body.collect(upTo: settings.maxBodyBytes)
            logger.debug(
                "platform request",
                metadata: [
                    "source": "\(label)", "method": "\(method.rawValue)", "path": "\(path)",
                    "status": "\(response.status.code)", "duration_ms": "\(milliseconds())",
                ])
            return PlatformHTTPResponse(status: Int(response.status.code), headers: response.headers, body: body)
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            let reason = Self.describe(error, timeout: settings.requestTimeoutSeconds)
            logger.debug(
                "platform request failed",
                metadata: [
                    "source": "\(label)", "method": "\(method.rawValue)", "path": "\(path)", "error": "\(reason)",
                    "duration_ms": "\(milliseconds())",
                ])
            throw PlatformSourceError.upstream(reason)
        }
    }

    /// The URL's path only: query strings may carry what a log should not (usernames, cursors, and on other
    /// APIs credentials).
    static func pathForLogs(_ url: String) -> String {
        guard let components = URLComponents(string: url) else { return "?" }
        return components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
    }

    /// A transport failure in a few words, never the request (its headers hold the token).
    static func describe(_ error: any Error, timeout: Int64) -> String {
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout, .writeTimeout: return "no complete answer within \(timeout) s"
            case .connectTimeout: return "could not connect in time"
            case .remoteConnectionClosed: return "the platform closed the connection before answering"
            default: break
            }
        }
        if error is NIOTooManyBytesError { return "the answer is larger than allowed" }
        let text = String(describing: type(of: error))
        if text.contains("Connect") || "\(error)".contains("connect") { return "could not connect to the platform" }
        return "the request failed (\(text))"
    }
}
