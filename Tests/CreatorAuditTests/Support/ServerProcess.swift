// The real `creatoraudit serve` as a separate process (built by `swift build --build-tests`), for what only a
// process shows: signals, exit status, what survives a kill.
import Foundation
import NIOConcurrencyHelpers
@testable import CreatorAudit

final class ServerProcess: @unchecked Sendable {
    let process: Process
    let port: Int
    let dataDir: String
    private let output = NIOLockedValueBox(Data())
    private let exit = NIOLockedValueBox<Int32?>(nil)

    var baseURL: String { "https://localhost:\(port)" }
    var certificatePath: String { dataDir + "/tls/cert.pem" }
    /// stdout and stderr so far.
    var log: String { String(decoding: output.withLockedValue { $0 }, as: UTF8.self) }
    var exitStatus: Int32? { exit.withLockedValue { $0 } }

    private init(process: Process, port: Int, dataDir: String) {
        self.process = process
        self.port = port
        self.dataDir = dataDir
    }

    /// Starts `serve` on a free port and waits until it listens.
    static func start(dataDir: String, arguments: [String] = []) async throws -> ServerProcess {
        let port = try ThrowawayPostgres.freePort()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CLIRunner.executable)
        process.arguments = ["serve", "--data-dir", dataDir, "--port", String(port), "--log-level", "warning"] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: "CREATORAUDIT_DATABASE_URL")
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        let server = ServerProcess(process: process, port: port, dataDir: dataDir)
        pipe.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            server.output.withLockedValue { $0.append(data) }
        }
        process.terminationHandler = { finished in
            server.exit.withLockedValue { $0 = finished.terminationStatus }
        }
        try process.run()
        let deadline = ContinuousClock.now + .seconds(20)
        while !server.log.contains("listening on") {
            guard ContinuousClock.now < deadline, server.exitStatus == nil else {
                server.kill()
                throw ConfigurationError("serve did not start: \(server.log)")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        return server
    }

    func signal(_ number: Int32) { Foundation.kill(process.processIdentifier, number) }

    func kill() {
        if process.isRunning { signal(SIGKILL) }
    }

    /// Waits for the process to exit; nil if it is still running after `timeout`.
    func waitForExit(timeout: Duration) async -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let status = exitStatus { return status }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return exitStatus
    }
}
