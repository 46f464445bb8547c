// A PostgreSQL server of the test's own, to stop and start under load (the shared test server must never be
// stopped). Needs the PostgreSQL binaries: set CREATORAUDIT_TEST_PG_BIN to their folder (Debian:
// /usr/lib/postgresql/15/bin; `.ci/run` does). initdb and pg_ctl refuse to run as root, so as root they run as
// the `postgres` user (su), in a temporary folder that user owns.
import Foundation
@testable import CreatorAudit

final class ThrowawayPostgres: @unchecked Sendable {
    static var binaries: String? {
        let value = ProcessInfo.processInfo.environment["CREATORAUDIT_TEST_PG_BIN"]
        return value?.isEmpty == false ? value : nil
    }

    let bin: String
    let root: String
    let port: Int
    var url: String { "postgres://postgres@127.0.0.1:\(port)/postgres" }

    private init(bin: String, root: String, port: Int) {
        self.bin = bin
        self.root = root
        self.port = port
    }

    /// A fresh cluster, started; call `destroy()` when done.
    static func start() async throws -> ThrowawayPostgres {
        guard let bin = binaries else { throw ConfigurationError("CREATORAUDIT_TEST_PG_BIN is not set") }
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("ca-pg-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let server = ThrowawayPostgres(bin: bin, root: root, port: try freePort())
        if getuid() == 0 { try await run("/bin/chown", ["postgres", root]) }
        try await server.asPostgres("\(bin)/initdb -N -D \(root)/data -A trust -U postgres >\(root)/initdb.log 2>&1")
        try await server.startServer()
        return server
    }

    func startServer() async throws {
        try await asPostgres(
            "\(bin)/pg_ctl -D \(root)/data -o '-p \(port) -k \(root) -c listen_addresses=127.0.0.1 -c fsync=off' "
                + "-l \(root)/log -w start >/dev/null")
    }

    /// `fast`: clients are disconnected, as on a normal shutdown; `immediate`: as after a crash.
    func stopServer(mode: String = "fast") async throws {
        try await asPostgres("\(bin)/pg_ctl -D \(root)/data -m \(mode) -w stop >/dev/null")
    }

    func destroy() async {
        try? await asPostgres("\(bin)/pg_ctl -D \(root)/data -m immediate -w stop >/dev/null 2>&1")
        try? FileManager.default.removeItem(atPath: root)
    }

    private func asPostgres(_ command: String) async throws {
        if getuid() == 0 {
            try await Self.run("/bin/su", ["postgres", "-s", "/bin/sh", "-c", command])
        } else {
            try await Self.run("/bin/sh", ["-c", command])
        }
    }

    /// Runs a command to its end. Not Foundation's `Process`: pg_ctl leaves the server running as a daemon that
    /// inherits the descriptors `Process` watches for the child's end, so its termination handler never fires.
    private static func run(_ executable: String, _ arguments: [String]) async throws {
        // Spawned and waited for on a thread of its own: waitpid blocks, and the concurrency pool's threads must not.
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            Thread {
                var pid: pid_t = 0
                var actions: posix_spawn_file_actions_t = .init()
                posix_spawn_file_actions_init(&actions)
                defer { posix_spawn_file_actions_destroy(&actions) }
                for descriptor: Int32 in [0, 1, 2] {
                    posix_spawn_file_actions_addopen(&actions, descriptor, "/dev/null", descriptor == 0 ? O_RDONLY : O_WRONLY, 0)
                }
                // Nothing else of the test process reaches the daemon: other tests' pipes must see their end of file.
                for name in (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? [] {
                    if let descriptor = Int32(name), descriptor > 2 { posix_spawn_file_actions_addclose(&actions, descriptor) }
                }
                let argv = ([executable] + arguments).map { strdup($0) } + [nil]
                defer { for pointer in argv { free(pointer) } }
                let spawned = posix_spawn(&pid, executable, &actions, nil, argv, environ)
                guard spawned == 0 else {
                    continuation.resume(throwing: ConfigurationError("cannot run \(executable): \(spawned)"))
                    return
                }
                var status: Int32 = 0
                while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
                continuation.resume(returning: (status >> 8) & 0xff)
            }.start()
        }
        guard status == 0 else {
            throw ConfigurationError("\(executable) \(arguments.joined(separator: " ")) exited with \(status)")
        }
    }

    /// A port nothing listens on now (bound once by us, then released).
    static func freePort() throws -> Int {
        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw ConfigurationError("socket() failed") }
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) == 0 && getsockname(socket, $0, &length) == 0 }
        }
        guard bound else { throw ConfigurationError("bind() failed") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
