// Collects every log line a server writes, so tests can search it for secrets.
import Foundation
import Logging
import NIOConcurrencyHelpers

final class LogCapture: Sendable {
    private let lines = NIOLockedValueBox([String]())

    func append(_ line: String) { lines.withLockedValue { $0.append(line) } }
    var text: String { lines.withLockedValue { $0.joined(separator: "\n") } }
    var count: Int { lines.withLockedValue { $0.count } }

    func logger(level: Logger.Level = .trace) -> Logger {
        var logger = Logger(label: "capture") { _ in CapturingLogHandler(capture: self) }
        logger.logLevel = level
        return logger
    }
}

struct CapturingLogHandler: LogHandler {
    let capture: LogCapture
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        capture.append("\(event.level) \(event.message) \(merged.sorted { $0.key < $1.key }.map { "\($0)=\($1)" }.joined(separator: " "))")
    }
}
