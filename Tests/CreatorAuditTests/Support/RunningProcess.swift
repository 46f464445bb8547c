// A long-running `creatoraudit` process (a worker, a server) started by a test: its output kept in files, signals
// sent by pid, and its exit awaited with a deadline. Never left running: `stop()` kills it if it is still there.
import Foundation

final class RunningProcess: @unchecked Sendable {
    let process = Process()
    let stdoutPath: String
    let stderrPath: String
    private let exited = DispatchSemaphore(value: 0)

    /// Starts `creatoraudit arguments…` (the build's executable) with `environment` added to this process's.
    init(_ arguments: [String], environment: [String: String] = [:], directory: String) throws {
        let tag = UUID().uuidString.prefix(8)
        stdoutPath = directory + "/process-\(tag).out"
        stderrPath = directory + "/process-\(tag).err"
        _ = FileManager.default.createFile(atPath: stdoutPath, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrPath, contents: nil)
        process.executableURL = URL(fileURLWithPath: CLIRunner.executable)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "CREATORAUDIT_DATABASE_URL")
        for (name, value) in environment { env[name] = value }
        process.environment = env
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: stdoutPath))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: stderrPath))
        let exited = exited
        process.terminationHandler = { _ in exited.signal() }
        try process.run()
    }

    var pid: Int32 { process.processIdentifier }
    var stdout: String { (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? "" }
    var stderr: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }

    func signal(_ signal: Int32) { kill(pid, signal) }

    /// Waits up to `seconds` for the process to end; its exit status, or nil if it is still running.
    func waitForExit(seconds: Double) async -> Int32? {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if !process.isRunning {
                process.waitUntilExit()
                return process.terminationStatus
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return process.isRunning ? nil : process.terminationStatus
    }

    /// Polls until `condition` holds (true) or `seconds` pass (false).
    static func until(seconds: Double, _ condition: () async throws -> Bool) async rethrows -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try await condition() { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return try await condition()
    }

    /// Ends the process if it still runs (SIGKILL), and waits for it.
    func stop() async {
        guard process.isRunning else { return }
        kill(pid, SIGKILL)
        _ = await waitForExit(seconds: 10)
    }
}
