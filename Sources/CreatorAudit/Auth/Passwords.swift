// Dashboard passwords: 12–72 bytes (bcrypt ignores what follows 72), bcrypt cost 12 on the thread pool.
import Foundation
import HummingbirdBcrypt
import NIOConcurrencyHelpers
import NIOPosix

enum Passwords {
    /// Checked on every path that sets a password.
    static func validate(_ password: String, field: String = "password") throws {
        let bytes = password.utf8.count
        guard bytes >= Provisioning.minimumPasswordBytes else {
            throw DomainError.invalid([FieldError(field: field, message: "must be at least 12 characters")])
        }
        guard bytes <= Provisioning.maximumPasswordBytes else {
            throw DomainError.invalid([FieldError(field: field, message: "must be at most 72 bytes")])
        }
    }

    static func verify(_ password: String, hash: String) async throws -> Bool {
        try await pool.runIfActive { Bcrypt.verify(password, hash: hash) }
    }

    /// bcrypt's own threads. Not NIOThreadPool.singleton: SQLiteNIO runs every query there, and a burst of
    /// sign-ins would stall the database for everyone.
    static let pool: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: 2)
        pool.start()
        return pool
    }()

    /// Verified against when the email is unknown, so both failures cost the same time.
    /// (bcrypt, cost 12, of a random string nobody knows.)
    static let decoyHash = "$2b$12$735UqrSRsDpjkEJzXQrFkuVDp5M2duGCB26yMDRK7doujsG.Zj7kK"
}

/// Failed sign-ins per email and per client address over the last 5 minutes (a sliding window, in this node's
/// memory). A blocked attempt is not counted, so waiting always helps.
final class SignInThrottle: Sendable {
    static let failuresPerEmail = 5
    static let failuresPerAddress = 20
    static let window: Int64 = 300
    private let failures = NIOLockedValueBox([String: [Int64]]())

    func isBlocked(email: String, address: String, now: Timestamp = .now) -> Bool {
        failures.withLockedValue { failures in
            Self.recent(failures["email:" + email], now) >= Self.failuresPerEmail
                || Self.recent(failures["address:" + address], now) >= Self.failuresPerAddress
        }
    }

    func recordFailure(email: String, address: String, now: Timestamp = .now) {
        failures.withLockedValue { failures in
            if failures.count > 10_000 {
                failures = failures.filter { ($0.value.last ?? 0) > now.seconds - Self.window }
            }
            for subject in ["email:" + email, "address:" + address] {
                var times = (failures[subject] ?? []).filter { $0 > now.seconds - Self.window }
                times.append(now.seconds)
                failures[subject] = Array(times.suffix(Self.failuresPerAddress))
            }
        }
    }

    private static func recent(_ times: [Int64]?, _ now: Timestamp) -> Int {
        (times ?? []).filter { $0 > now.seconds - window }.count
    }
}
