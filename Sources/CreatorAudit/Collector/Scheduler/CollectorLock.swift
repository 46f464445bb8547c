// On SQLite one process collects (docs/collection.md, "Several workers"): the collector holds an exclusive
// `flock` on `<database>.collector.lock` for its whole life, and writes who it is into the file. A second
// collector against the same file is refused with one line naming the first. The operating system drops the lock
// when the process ends, however it ends, so a crash never leaves the file locked. (PostgreSQL needs no such
// lock: any number of workers share the work through leases.)
import Foundation
import NIOConcurrencyHelpers

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

public final class CollectorLock: Sendable {
    private let descriptor: Int32
    private let held = NIOLockedValueBox(true)
    public let path: String

    private init(descriptor: Int32, path: String) {
        self.descriptor = descriptor
        self.path = path
    }

    /// Takes the lock for the SQLite file at `databasePath`; `holder` says who we are ("creatoraudit serve").
    /// Throws a one-line `ConfigurationError` naming the collector that holds it.
    public static func acquire(databasePath: String, holder: String) throws -> CollectorLock {
        let path = databasePath + ".collector.lock"
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw ConfigurationError("cannot open the collector lock \(path): \(String(cString: strerror(errno)))")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let other = readHolder(descriptor) ?? "another process"
            close(descriptor)
            throw ConfigurationError(
                "another collector already works on this SQLite database: \(other); SQLite allows one collector "
                    + "per database file — stop it first, or run this process with --no-collector "
                    + "(several workers need PostgreSQL)")
        }
        let line = "\(holder), pid \(getpid()), since \(Timestamp.now.iso8601)\n"
        _ = ftruncate(descriptor, 0)
        _ = line.withCString { pwrite(descriptor, $0, strlen($0), 0) }
        return CollectorLock(descriptor: descriptor, path: path)
    }

    private static func readHolder(_ descriptor: Int32) -> String? {
        var buffer = [UInt8](repeating: 0, count: 512)
        let count = pread(descriptor, &buffer, buffer.count, 0)
        guard count > 0 else { return nil }
        let text = String(decoding: buffer[0..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? nil : text
    }

    /// Lets the next collector in (also done when the process ends, or when this object goes away).
    public func release() {
        let wasHeld = held.withLockedValue { held -> Bool in
            defer { held = false }
            return held
        }
        guard wasHeld else { return }
        _ = flock(descriptor, LOCK_UN)
        close(descriptor)
    }

    deinit { release() }
}
